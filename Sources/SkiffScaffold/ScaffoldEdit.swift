import Foundation
import SkiffModel
import SkiffSource
import SkiffSupport

/// A scaffolding command's edit of a work tree: plans with `Scaffold` over the files there now,
/// writes the changes (each file atomically, only after the whole change checked), shows them as a
/// diff, and commits exactly those files when asked. Live state is never touched.
public struct ScaffoldEdit: Sendable {
    public let workTree: WorkTree
    /// The network folder, relative to the work tree (`.` for its root).
    public let networkPath: String
    public let schemaBase: String?

    public init(repo: String, path: String, schemaBase: String? = Scaffold.defaultSchemaFolder) throws {
        workTree = try WorkTree(root: repo)
        networkPath = try NetworkPath(path).description
        self.schemaBase = schemaBase
    }

    /// A plan over the work tree's files as they are now.
    public func scaffold() throws -> Scaffold {
        let (files, _) = try workTree.resourceFiles(under: networkPath)
        return Scaffold(files: Dictionary(files.map { ($0.path, $0.bytes) }, uniquingKeysWith: { first, _ in first }),
                        networkPath: networkPath, schemaBase: schemaBase)
    }

    /// `changes`, plus the JSON Schemas the written files point at when they are not there yet
    /// (the default schema folder inside the network folder; a URL base needs none).
    public func withSchemas(_ changes: [FileChange]) -> [FileChange] {
        guard schemaBase == Scaffold.defaultSchemaFolder, changes.contains(where: { $0.new != nil }) else { return changes }
        let missing = ResourceKind.allCases.compactMap { kind -> FileChange? in
            let path = "\(Scaffold.defaultSchemaFolder)/\(kind.schemaFileName)"
            guard !FileManager.default.fileExists(atPath: workTree.absolute(rootRelative(path))) else { return nil }
            return FileChange(path: path, old: nil, new: Array(SchemaRegistry.text(for: kind).utf8), summarized: true)
        }
        return changes + missing
    }

    /// The changes as `git diff` shows them (schemas as one line each).
    public func diff(_ changes: [FileChange]) throws -> String {
        try changes.map { change in
            let path = rootRelative(change.path)
            if change.summarized { return "\(change.verb) \(path)\n" }
            return try WorkTree.diff(path: path, old: change.old, new: change.new)
        }.joined()
    }

    /// Writes every change; parent folders are made, emptied site folders removed.
    public func write(_ changes: [FileChange]) throws {
        for change in changes {
            let full = workTree.absolute(rootRelative(change.path))
            if let bytes = change.new {
                try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try AtomicFile.write(Data(bytes), to: full, permissions: 0o644)
            } else if FileManager.default.fileExists(atPath: full) {
                try FileManager.default.removeItem(atPath: full)
                removeEmptyFolders(above: full)
            }
        }
    }

    /// Throws when committing would fail (no work tree, unknown user, other staged changes).
    public func checkCommit(_ changes: [FileChange]) throws {
        try workTree.checkCommit(paths: changes.map { rootRelative($0.path) })
    }

    /// Commits exactly the changed files, as the user git is configured with.
    public func commit(_ changes: [FileChange], message: String) throws -> String {
        try workTree.commit(paths: changes.map { rootRelative($0.path) }, message: message)
    }

    /// `path` (relative to the network folder) relative to the work tree.
    public func rootRelative(_ path: String) -> String {
        networkPath == "." ? path : "\(networkPath)/\(path)"
    }

    private func removeEmptyFolders(above file: String) {
        let stop = URL(fileURLWithPath: workTree.absolute(networkPath)).standardizedFileURL.path
        var folder = (file as NSString).deletingLastPathComponent
        while folder.hasPrefix(stop + "/"), (try? FileManager.default.contentsOfDirectory(atPath: folder))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: folder)
            folder = (folder as NSString).deletingLastPathComponent
        }
    }
}
