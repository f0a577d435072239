import CGit2
import Foundation

/// Where to read the desired network from.
public struct SourceRequest: Sendable, Hashable {
    /// A local repository (its work tree or git directory), a plain folder, or a URL to clone
    /// (`file://`, `https://`, `ssh://`, `user@host:path`).
    public var repository: String
    /// A revision as `git rev-parse` spells it; nil means `HEAD` locally, the default branch remotely.
    public var revision: String?
    /// The folder inside the repository that holds the site folders.
    public var path: String
    /// Where clones of remote repositories are kept between runs.
    public var cacheDirectory: String
    public var limits: SourceLimits

    public init(repository: String = ".", revision: String? = nil, path: String = ".",
                cacheDirectory: String = NetworkSource.defaultCacheDirectory(), limits: SourceLimits = .defaults)
    {
        self.repository = repository
        self.revision = revision
        self.path = path
        self.cacheDirectory = cacheDirectory
        self.limits = limits
    }
}

/// Reads the files of the desired network from git (through libgit2) or from a plain folder.
public enum NetworkSource {
    public static func read(_ request: SourceRequest) throws -> Snapshot {
        let path = try NetworkPath(request.path)
        if isRemote(request.repository) {
            let repository = try mirror(of: request.repository, in: request.cacheDirectory, limits: request.limits)
            let candidates = request.revision.map { [$0, "origin/\($0)"] } ?? ["origin/HEAD", "origin/main", "origin/master"]
            return try read(repository, revisions: candidates, shown: request.revision ?? "HEAD", path: path, limits: request.limits)
        }
        if let repository = try GitRepository.open(at: request.repository, displayName: request.repository) {
            let revision = request.revision ?? "HEAD"
            return try read(repository, revisions: [revision], shown: revision, path: path, limits: request.limits)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: request.repository, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SourceError.repositoryNotFound(request.repository)
        }
        if let revision = request.revision {
            throw SourceError.revisionWithoutRepository(revision: revision, folder: request.repository)
        }
        var reader = FolderReader(limits: request.limits)
        try reader.read(root: request.repository, path: path)
        return Snapshot(origin: .folder(request.repository), files: reader.files, problems: reader.problems)
    }

    /// The commits reachable from `head` and not from `base` (both commit ids, as `read` gave
    /// them), newest first, at most `limit`, each with its signature: what `plan --base` reports.
    /// A remote repository is read from the mirror `read` fetched, without fetching again.
    public static func history(_ request: SourceRequest, head: String, base: String, limit: Int = 200) throws -> [(CommitInfo, CommitSignature?)] {
        let repository: GitRepository?
        if isRemote(request.repository) {
            repository = try GitRepository.open(at: request.cacheDirectory + "/" + cacheName(for: request.repository), displayName: request.repository)
        } else {
            repository = try GitRepository.open(at: request.repository, displayName: request.repository)
        }
        guard let repository else { throw SourceError.repositoryNotFound(request.repository) }
        return try repository.history(head: head, base: base, limit: limit)
    }

    /// URLs and scp-style `user@host:path` are cloned; anything else is a local path.
    public static func isRemote(_ repository: String) -> Bool {
        if repository.contains("://") { return true }
        guard let colon = repository.firstIndex(of: ":"), let at = repository.firstIndex(of: "@") else { return false }
        return at < colon && !repository.hasPrefix("/") && !repository.hasPrefix(".")
    }

    /// `$XDG_CACHE_HOME/skiff/repos`, else `~/.cache/skiff/repos`.
    public static func defaultCacheDirectory() -> String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() + "/.cache")
        return base + "/skiff/repos"
    }

    private static func read(_ repository: GitRepository, revisions: [String], shown: String, path: NetworkPath,
                             limits: SourceLimits) throws -> Snapshot
    {
        guard let commit = try repository.resolveCommit(revisions) else {
            throw SourceError.revisionNotFound(revision: shown, repository: repository.displayName, branches: repository.branchNames())
        }
        defer { git_commit_free(commit) }
        let info = GitRepository.info(of: commit)
        var reader = GitTreeReader(repository: repository, limits: limits)
        try reader.read(commit: commit, path: path, commitName: "commit \(info.shortID)")
        var snapshot = Snapshot(origin: .commit(info, repository: repository.displayName), files: reader.files, problems: reader.problems)
        snapshot.signature = try repository.signature(of: commit)
        return snapshot
    }

    /// The cached bare mirror of `url`, created on first use and fetched on every call.
    private static func mirror(of url: String, in cacheDirectory: String, limits: SourceLimits) throws -> GitRepository {
        let folder = cacheDirectory + "/" + cacheName(for: url)
        if let repository = try GitRepository.open(at: folder, displayName: url) {
            try repository.fetchOrigin(timeout: limits.fetchTimeout)
            return repository
        }
        try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        // Build the mirror aside and rename it into place, so a failed first clone leaves nothing half-made.
        let staging = folder + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: staging)
        do {
            let repository = try GitRepository.createMirror(at: staging, url: url, displayName: url)
            try repository.fetchOrigin(timeout: limits.fetchTimeout)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        if (try? FileManager.default.moveItem(atPath: staging, toPath: folder)) == nil {
            try? FileManager.default.removeItem(atPath: staging)  // another process won the race; use its copy
        }
        guard let repository = try GitRepository.open(at: folder, displayName: url) else {
            throw SourceError.git(operation: "open cache of \(url)", message: "missing after clone")
        }
        return repository
    }

    /// A readable, collision-resistant folder name for a URL: its last path part and a 64-bit FNV-1a hash.
    static func cacheName(for url: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in url.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let last = url.split(whereSeparator: { "/:".contains($0) }).last.map(String.init) ?? "repo"
        let safe = String(last.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(40))
        return "\(safe)-\(String(hash, radix: 16))"
    }
}
