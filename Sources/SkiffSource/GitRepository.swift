import CGit2
import Foundation

/// A libgit2 repository handle. Reads objects straight from the object database: never a work
/// tree, never a checkout.
final class GitRepository {
    let pointer: OpaquePointer
    /// As the user named it, for messages.
    let displayName: String

    private init(pointer: OpaquePointer, displayName: String) {
        self.pointer = pointer
        self.displayName = displayName
    }

    deinit {
        git_repository_free(pointer)
    }

    /// Opens the repository at exactly `path` (its work tree or its git directory; no search upwards),
    /// or returns nil when `path` is not a repository.
    static func open(at path: String, displayName: String) throws -> GitRepository? {
        Libgit2.ensureInitialized()
        var pointer: OpaquePointer?
        let code = git_repository_open_ext(&pointer, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        if code == Libgit2.notFound { return nil }
        try Libgit2.check(code, "open \(displayName)")
        return GitRepository(pointer: pointer!, displayName: displayName)
    }

    /// Creates a bare repository at `path` whose `origin` fetches every branch and tag of `url`.
    static func createMirror(at path: String, url: String, displayName: String) throws -> GitRepository {
        Libgit2.ensureInitialized()
        var pointer: OpaquePointer?
        try Libgit2.check(git_repository_init(&pointer, path, 1), "create cache for \(displayName)")
        let repository = GitRepository(pointer: pointer!, displayName: displayName)
        var remote: OpaquePointer?
        try Libgit2.check(git_remote_create_with_fetchspec(&remote, pointer, "origin", url, "+refs/heads/*:refs/remotes/origin/*"),
                          "add remote \(displayName)")
        git_remote_free(remote)
        return repository
    }

    /// Fetches `origin` (branches and tags, pruning deleted ones), giving up after `timeout` seconds
    /// of transfer. libgit2 1.5 has no connect timeout of its own; a silent connect is bounded by TCP.
    func fetchOrigin(timeout: Double) throws {
        var remote: OpaquePointer?
        try Libgit2.check(git_remote_lookup(&remote, pointer, "origin"), "find remote origin of \(displayName)")
        defer { git_remote_free(remote) }
        var options = git_fetch_options()
        try Libgit2.check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "fetch options")
        options.prune = GIT_FETCH_PRUNE
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL
        let transfer = FetchProgress.Transfer(name: displayName, timeout: timeout)
        let code = withExtendedLifetime(transfer) { () -> Int32 in
            options.callbacks.payload = Unmanaged.passUnretained(transfer).toOpaque()
            options.callbacks.transfer_progress = { stats, payload in
                let transfer = Unmanaged<FetchProgress.Transfer>.fromOpaque(payload!).takeUnretainedValue()
                if let stats {
                    transfer.update(received: Int(stats.pointee.received_objects), total: Int(stats.pointee.total_objects),
                                    bytes: Int(stats.pointee.received_bytes))
                }
                return transfer.timedOut ? -1 : 0
            }
            return git_remote_fetch(remote, nil, &options, nil)
        }
        if code < 0, transfer.timedOut {
            throw SourceError.git(operation: "fetch \(displayName)", message: "timed out after \(Int(timeout)) s")
        }
        try Libgit2.check(code, "fetch \(displayName)")
        transfer.finish()
    }

    /// The repository's branch names (`refs/heads/*`), sorted; for a mirror, the remote's branches.
    func branchNames() -> [String] {
        var names = git_strarray()
        guard git_reference_list(&names, pointer) >= 0 else { return [] }
        defer { git_strarray_dispose(&names) }
        let prefix = "refs/heads/"
        return (0..<names.count).compactMap { index in
            names.strings[index].map { String(cString: $0) }.flatMap { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : nil }
        }.sorted()
    }

    /// The commit a revision names (anything `git rev-parse` accepts), trying each spelling in turn.
    func resolveCommit(_ revisions: [String]) throws -> OpaquePointer? {
        for revision in revisions {
            var object: OpaquePointer?
            let code = git_revparse_single(&object, pointer, revision)
            guard code >= 0 else { continue }
            defer { git_object_free(object) }
            var commit: OpaquePointer?
            if git_object_peel(&commit, object, GIT_OBJECT_COMMIT) >= 0 { return commit }
        }
        return nil
    }

    /// Commits reachable from `head` but not from `base`, newest first, at most `limit`.
    func history(head: String, base: String, limit: Int) throws -> [(CommitInfo, CommitSignature?)] {
        var walk: OpaquePointer?
        try Libgit2.check(git_revwalk_new(&walk, pointer), "walk the history")
        defer { git_revwalk_free(walk) }
        git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue)
        var headID = git_oid(), baseID = git_oid()
        try Libgit2.check(git_oid_fromstr(&headID, head), "read commit id \(head)")
        try Libgit2.check(git_oid_fromstr(&baseID, base), "read commit id \(base)")
        try Libgit2.check(git_revwalk_push(walk, &headID), "walk from \(head.prefix(12))")
        try Libgit2.check(git_revwalk_hide(walk, &baseID), "walk to \(base.prefix(12))")
        var commits: [(CommitInfo, CommitSignature?)] = []
        var next = git_oid()
        while commits.count < limit, git_revwalk_next(&next, walk) == 0 {
            var commit: OpaquePointer?
            try Libgit2.check(git_commit_lookup(&commit, pointer, &next), "read a commit")
            defer { git_commit_free(commit) }
            commits.append((Self.info(of: commit!), try signature(of: commit!)))
        }
        return commits
    }

    /// The commit's signature, or nil when it is unsigned.
    func signature(of commit: OpaquePointer) throws -> CommitSignature? {
        var signature = git_buf(), signed = git_buf()
        defer {
            git_buf_dispose(&signature)
            git_buf_dispose(&signed)
        }
        var id = git_commit_id(commit)!.pointee
        let code = git_commit_extract_signature(&signature, &signed, pointer, &id, nil)
        if code == Libgit2.notFound { return nil }
        try Libgit2.check(code, "read the signature of a commit")
        let committer = git_commit_committer(commit)!.pointee
        return CommitSignature(
            signature: String(cString: signature.ptr),
            signedData: Array(UnsafeBufferPointer(start: UnsafeRawPointer(signed.ptr)!.assumingMemoryBound(to: UInt8.self), count: signed.size)),
            committerEmail: committer.email.map { String(cString: $0) } ?? "",
            committerTime: Date(timeIntervalSince1970: TimeInterval(committer.when.time)))
    }

    static func info(of commit: OpaquePointer) -> CommitInfo {
        var buffer = [CChar](repeating: 0, count: Int(GIT_OID_HEXSZ) + 1)
        git_oid_fmt(&buffer, git_commit_id(commit))
        let id = String(decoding: buffer.prefix(Int(GIT_OID_HEXSZ)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let author = git_commit_author(commit)!.pointee
        return CommitInfo(
            id: id,
            author: author.name.map { String(cString: $0) } ?? "",
            email: author.email.map { String(cString: $0) } ?? "",
            time: Date(timeIntervalSince1970: TimeInterval(git_commit_time(commit))),
            subject: git_commit_summary(commit).map { String(cString: $0) } ?? "")
    }
}
