import CGit2
import Foundation

/// A folder the user edits: a git work tree, or a plain folder. Scaffolding commands write files
/// here and, when asked, commit exactly the files they wrote; reconciling never reads it (that reads
/// commits).
public struct WorkTree: Sendable {
    /// The folder as given (`--repo`).
    public let root: String
    /// The git work tree holding `root`, when there is one; paths are committed relative to it.
    public let gitRoot: String?

    /// `root` must exist; a git repository is found at `root` or in a folder above it.
    public init(root: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SourceError.repositoryNotFound(root)
        }
        self.root = root
        gitRoot = try Self.discoverWorkTree(root)
    }

    private static func discoverWorkTree(_ path: String) throws -> String? {
        Libgit2.ensureInitialized()
        var repository: OpaquePointer?
        let code = git_repository_open_ext(&repository, path, 0, nil)
        if code == Libgit2.notFound { return nil }
        try Libgit2.check(code, "open the repository at \(path)")
        defer { git_repository_free(repository) }
        guard let workdir = git_repository_workdir(repository) else { return nil }  // bare: no work tree to edit
        return URL(fileURLWithPath: String(cString: workdir)).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// The resource files under `path` (the network folder, relative to `root`) as the work tree
    /// holds them now, by path relative to `path`; none when the folder does not exist yet. The
    /// same rules as reading a commit: symbolic links are not followed, oversized files not read.
    public func resourceFiles(under path: String) throws -> (files: [SourceFile], problems: [SourceProblem]) {
        let networkPath = try NetworkPath(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute(networkPath.description), isDirectory: &isDirectory) else { return ([], []) }
        guard isDirectory.boolValue else { throw SourceError.pathNotAFolder(path: networkPath.description, at: "folder \(root)") }
        var reader = FolderReader(limits: .defaults)
        try reader.read(root: root, path: networkPath)
        return (reader.files, reader.problems)
    }

    /// The absolute path of `relative` (a path under `root`).
    public func absolute(_ relative: String) -> String {
        URL(fileURLWithPath: root).appendingPathComponent(relative).standardizedFileURL.path
    }

    /// `relative` (under `root`) as the git index names it (relative to the work tree's top).
    func indexPath(_ relative: String) throws -> String {
        guard let gitRoot else { throw SourceError.git(operation: "commit", message: "\(root) is not inside a git work tree") }
        let full = URL(fileURLWithPath: absolute(relative)).resolvingSymlinksInPathKeepingMissing().path
        guard full.hasPrefix(gitRoot + "/") else { throw SourceError.pathEscapes(relative) }
        return String(full.dropFirst(gitRoot.count + 1))
    }

    /// A unified diff (as `git diff` prints it) from `old` to `new` for `path`; nil bytes are a file
    /// that does not exist on that side.
    public static func diff(path: String, old: [UInt8]?, new: [UInt8]?) throws -> String {
        Libgit2.ensureInitialized()
        var patch: OpaquePointer?
        let code = (old ?? []).withUnsafeBytes { oldBytes in
            (new ?? []).withUnsafeBytes { newBytes in
                git_patch_from_buffers(&patch, old == nil ? nil : oldBytes.baseAddress, old?.count ?? 0, old == nil ? nil : path,
                                       new == nil ? nil : newBytes.baseAddress, new?.count ?? 0, new == nil ? nil : path, nil)
            }
        }
        try Libgit2.check(code, "diff \(path)")
        defer { git_patch_free(patch) }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try Libgit2.check(git_patch_to_buf(&buffer, patch), "diff \(path)")
        guard let pointer = buffer.ptr else { return "" }
        return String(cString: pointer)
    }

    /// Whether `commit(paths:)` can succeed, checked before anything is written: a work tree,
    /// a user git knows, and no other staged changes.
    public func checkCommit(paths: [String]) throws {
        try withRepository(paths: paths) { repository, index, parent, indexPaths in
            try refuseStagedChanges(repository, index: index, parent: parent, except: Set(indexPaths))
            git_signature_free(try signature(repository))
        }
    }

    /// Commits `paths` (under `root`; each written or deleted in the work tree) and nothing else,
    /// on the current branch, as the user git is configured with. Refuses when the index already
    /// holds other staged changes: they would ride along unseen.
    /// - Returns: the new commit's id.
    @discardableResult
    public func commit(paths: [String], message: String) throws -> String {
        try withRepository(paths: paths) { repository, index, parent, indexPaths in
            try refuseStagedChanges(repository, index: index, parent: parent, except: Set(indexPaths))
            for path in indexPaths {
                let exists = FileManager.default.fileExists(atPath: gitRoot! + "/" + path)
                try Libgit2.check(exists ? git_index_add_bypath(index, path) : git_index_remove_bypath(index, path), "stage \(path)")
            }
            try Libgit2.check(git_index_write(index), "write the index")
            var treeID = git_oid()
            try Libgit2.check(git_index_write_tree(&treeID, index), "write the tree")
            var tree: OpaquePointer?
            try Libgit2.check(git_tree_lookup(&tree, repository, &treeID), "read the tree")
            defer { git_tree_free(tree) }
            let author = try signature(repository)
            defer { git_signature_free(author) }
            var commitID = git_oid()
            var parents: [OpaquePointer?] = parent.map { [$0] } ?? []
            try Libgit2.check(git_commit_create(&commitID, repository, "HEAD", author, author, nil, message, tree, parents.count, &parents), "commit")
            return oidText(commitID)
        }
    }

    /// Runs `body` with the repository, its index, HEAD's commit (nil when unborn) and `paths` as
    /// the index names them.
    private func withRepository<T>(paths: [String], _ body: (OpaquePointer?, OpaquePointer?, OpaquePointer?, [String]) throws -> T) throws -> T {
        guard let gitRoot else {
            throw SourceError.git(operation: "commit", message: "\(root) is not inside a git work tree; run git init, or leave out --commit")
        }
        let indexPaths = try paths.map(indexPath)
        var repository: OpaquePointer?
        try Libgit2.check(git_repository_open_ext(&repository, gitRoot, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil), "open \(gitRoot)")
        defer { git_repository_free(repository) }
        let parent = try headCommit(repository)
        defer { git_commit_free(parent) }
        var index: OpaquePointer?
        try Libgit2.check(git_repository_index(&index, repository), "read the index of \(gitRoot)")
        defer { git_index_free(index) }
        return try body(repository, index, parent, indexPaths)
    }

    private func signature(_ repository: OpaquePointer?) throws -> UnsafeMutablePointer<git_signature>? {
        var signature: UnsafeMutablePointer<git_signature>?
        let code = git_signature_default(&signature, repository)
        if code == Libgit2.notFound {
            throw SourceError.git(operation: "commit", message: "git does not know who you are: set git config user.name and user.email")
        }
        try Libgit2.check(code, "read user.name and user.email")
        return signature
    }

    /// HEAD's commit; nil on an unborn branch (a repository without commits yet).
    private func headCommit(_ repository: OpaquePointer?) throws -> OpaquePointer? {
        var id = git_oid()
        let code = git_reference_name_to_id(&id, repository, "HEAD")
        if code == Libgit2.notFound { return nil }
        try Libgit2.check(code, "resolve HEAD")
        var commit: OpaquePointer?
        try Libgit2.check(git_commit_lookup(&commit, repository, &id), "read HEAD")
        return commit
    }

    private func refuseStagedChanges(_ repository: OpaquePointer?, index: OpaquePointer?, parent: OpaquePointer?, except: Set<String>) throws {
        var headTree: OpaquePointer?
        if let parent { try Libgit2.check(git_commit_tree(&headTree, parent), "read HEAD's tree") }
        defer { git_tree_free(headTree) }
        var diff: OpaquePointer?
        try Libgit2.check(git_diff_tree_to_index(&diff, repository, headTree, index, nil), "compare the index with HEAD")
        defer { git_diff_free(diff) }
        let staged = (0..<git_diff_num_deltas(diff)).compactMap { position -> String? in
            guard let delta = git_diff_get_delta(diff, position), let path = delta.pointee.new_file.path else { return nil }
            let name = String(cString: path)
            return except.contains(name) ? nil : name
        }
        guard staged.isEmpty else {
            throw SourceError.git(operation: "commit", message: "the index already holds staged changes (\(staged.prefix(5).joined(separator: ", "))\(staged.count > 5 ? ", …" : "")); commit or unstage them first, or leave out --commit")
        }
    }

    private func oidText(_ id: git_oid) -> String {
        var id = id
        var text = [CChar](repeating: 0, count: 41)
        git_oid_tostr(&text, text.count, &id)
        return String(cString: text)
    }
}

extension URL {
    /// Resolves symbolic links in the part of the path that exists (a file about to be written,
    /// or just deleted, does not), so it compares with libgit2's resolved work tree.
    func resolvingSymlinksInPathKeepingMissing() -> URL {
        if FileManager.default.fileExists(atPath: path) { return resolvingSymlinksInPath() }
        return deletingLastPathComponent().resolvingSymlinksInPathKeepingMissing().appendingPathComponent(lastPathComponent)
    }
}
