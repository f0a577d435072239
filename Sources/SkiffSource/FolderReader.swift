import Foundation

/// Reads the resource files under a plain folder (not a git repository), with the same rules as a
/// tree: symbolic links are reported, never followed, and oversized files are not read.
struct FolderReader {
    let limits: SourceLimits
    private(set) var files: [SourceFile] = []
    private(set) var problems: [SourceProblem] = []
    private var totalBytes = 0

    init(limits: SourceLimits) {
        self.limits = limits
    }

    mutating func read(root: String, path: NetworkPath) throws {
        let base = path.components.isEmpty ? root : root + "/" + path.description
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base, isDirectory: &isDirectory) else {
            throw SourceError.pathNotFound(path: path.description, at: "folder \(root)")
        }
        guard isDirectory.boolValue else { throw SourceError.pathNotAFolder(path: path.description, at: "folder \(root)") }
        try walk(base, prefix: "")
    }

    private mutating func walk(_ directory: String, prefix: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        for name in names where !name.hasPrefix(".") {
            let full = directory + "/" + name
            let path = prefix.isEmpty ? name : "\(prefix)/\(name)"
            let attributes = try FileManager.default.attributesOfItem(atPath: full)
            switch attributes[.type] as? FileAttributeType {
            case .typeSymbolicLink?:
                problems.append(SourceProblem(path: path, message: "symbolic link; not followed"))
            case .typeDirectory?:
                try walk(full, prefix: path)
            case .typeRegular?:
                guard SourceFile.isRead(name) else { continue }
                let size = (attributes[.size] as? Int) ?? 0
                guard size <= limits.maxFileBytes else {
                    problems.append(SourceProblem(path: path, message: "file is \(size) bytes; the limit is \(limits.maxFileBytes); not read"))
                    continue
                }
                totalBytes += size
                guard totalBytes <= limits.maxTotalBytes else {
                    throw SourceError.tooLarge(bytes: totalBytes, limit: limits.maxTotalBytes)
                }
                let data = try Data(contentsOf: URL(fileURLWithPath: full))
                files.append(SourceFile(path: path, bytes: [UInt8](data.prefix(limits.maxFileBytes + 1))))
            default:
                problems.append(SourceProblem(path: path, message: "not a regular file; not read"))
            }
        }
    }
}
