/// The desired state's files as read from one place at one moment.
public struct Snapshot: Sendable {
    public enum Origin: Sendable, Hashable {
        /// A commit of a git repository (`repository` as the user named it).
        case commit(CommitInfo, repository: String)
        /// A plain folder that is not a git repository.
        case folder(String)
    }

    public var origin: Origin
    /// Resource files (`.yaml`, `.yml`) under the path, relative to it, sorted.
    public var files: [SourceFile]
    public var problems: [SourceProblem]
    /// The commit's signature (nil for an unsigned commit or a folder).
    public var signature: CommitSignature?

    public init(origin: Origin, files: [SourceFile], problems: [SourceProblem]) {
        self.origin = origin
        self.files = files.sorted { $0.path < $1.path }
        self.problems = problems
    }

    public var commit: CommitInfo? {
        if case .commit(let info, _) = origin { return info }
        return nil
    }

    /// One line for people: `commit 1a2b3c4d5e6f (Add listener) of /repo` or `folder ./net (not a git repository)`.
    public var summary: String {
        switch origin {
        case .commit(let info, let repository): "commit \(info.shortID) (\(info.subject)) of \(repository)"
        case .folder(let path): "folder \(path) (not a git repository)"
        }
    }
}
