import CGit2

/// Reads the resource files under a path of a commit's tree, straight from the object database.
struct GitTreeReader {
    let repository: GitRepository
    let limits: SourceLimits
    private(set) var files: [SourceFile] = []
    private(set) var problems: [SourceProblem] = []
    private var totalBytes = 0

    init(repository: GitRepository, limits: SourceLimits) {
        self.repository = repository
        self.limits = limits
    }

    /// Reads every `.yaml`/`.yml` file under `path` of `commit`'s tree.
    mutating func read(commit: OpaquePointer, path: NetworkPath, commitName: String) throws {
        var root: OpaquePointer?
        try Libgit2.check(git_commit_tree(&root, commit), "read tree of \(commitName)")
        defer { git_tree_free(root) }
        guard !path.components.isEmpty else {
            try walk(root!, prefix: "")
            return
        }
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, root, path.description)
        if code == Libgit2.notFound { throw SourceError.pathNotFound(path: path.description, at: commitName) }
        try Libgit2.check(code, "find \(path) in \(commitName)")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else {
            throw SourceError.pathNotAFolder(path: path.description, at: commitName)
        }
        var subtree: OpaquePointer?
        try Libgit2.check(git_tree_lookup(&subtree, repository.pointer, git_tree_entry_id(entry)), "read \(path)")
        defer { git_tree_free(subtree) }
        try walk(subtree!, prefix: "")
    }

    private mutating func walk(_ tree: OpaquePointer, prefix: String) throws {
        for index in 0..<git_tree_entrycount(tree) {
            let entry = git_tree_entry_byindex(tree, index)!
            let name = String(cString: git_tree_entry_name(entry))
            let path = prefix.isEmpty ? name : "\(prefix)/\(name)"
            switch git_tree_entry_filemode(entry) {
            case GIT_FILEMODE_TREE:
                var subtree: OpaquePointer?
                try Libgit2.check(git_tree_lookup(&subtree, repository.pointer, git_tree_entry_id(entry)), "read \(path)")
                defer { git_tree_free(subtree) }
                try walk(subtree!, prefix: path)
            case GIT_FILEMODE_LINK:
                problems.append(SourceProblem(path: path, message: "symbolic link; not followed"))
            case GIT_FILEMODE_COMMIT:
                problems.append(SourceProblem(path: path, message: "submodule; not read"))
            default:
                guard SourceFile.isRead(name) else { continue }
                try readBlob(git_tree_entry_id(entry), path: path)
            }
        }
    }

    private mutating func readBlob(_ id: UnsafePointer<git_oid>, path: String) throws {
        var odb: OpaquePointer?
        try Libgit2.check(git_repository_odb(&odb, repository.pointer), "open object database")
        defer { git_odb_free(odb) }
        // The header tells the size without inflating the blob, so an oversized file costs nothing.
        var size = 0
        var type = GIT_OBJECT_INVALID
        try Libgit2.check(git_odb_read_header(&size, &type, odb, id), "read \(path)")
        guard size <= limits.maxFileBytes else {
            problems.append(SourceProblem(path: path, message: "file is \(size) bytes; the limit is \(limits.maxFileBytes); not read"))
            return
        }
        totalBytes += size
        guard totalBytes <= limits.maxTotalBytes else { throw SourceError.tooLarge(bytes: totalBytes, limit: limits.maxTotalBytes) }
        var blob: OpaquePointer?
        try Libgit2.check(git_blob_lookup(&blob, repository.pointer, id), "read \(path)")
        defer { git_blob_free(blob) }
        let count = Int(git_blob_rawsize(blob))
        let bytes = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: count))
        files.append(SourceFile(path: path, bytes: bytes))
    }
}
