/// Why the desired state could not be read at all. Each reaches the user as one line.
public enum SourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither a git repository nor a folder exists at the path.
    case repositoryNotFound(String)
    /// The revision does not resolve to a commit; `branches` are the ones the repository has.
    case revisionNotFound(revision: String, repository: String, branches: [String])
    /// The network path does not exist in the commit or folder.
    case pathNotFound(path: String, at: String)
    /// The network path is a file, not a folder.
    case pathNotAFolder(path: String, at: String)
    /// The network path is absolute or climbs out of the repository.
    case pathEscapes(String)
    /// `--ref` was given for a plain folder.
    case revisionWithoutRepository(revision: String, folder: String)
    /// libgit2 failed; `operation` says what was being done.
    case git(operation: String, message: String)
    /// The files under the path exceed the total size limit.
    case tooLarge(bytes: Int, limit: Int)

    /// libgit2's network messages in the words the rest of Skiff uses (libgit2 reports them as
    /// text only); anything else as libgit2 says it.
    static func plain(_ message: String) -> String {
        let resolve = "failed to resolve address for "
        if let range = message.range(of: resolve) {
            let host = message[range.upperBound...].prefix { $0 != ":" }
            return "the host \(host) does not resolve"
        }
        let lower = message.lowercased()
        if lower.contains("connection refused") { return "connection refused (nothing listens there)" }
        if lower.contains("unexpected http status code: 404") { return "no repository there (HTTP 404)" }
        if lower.contains("authentication") || lower.contains("unexpected http status code: 401") {
            return "the server asks for credentials, which Skiff does not send (use a public URL or a local clone)"
        }
        return message
    }

    public var description: String {
        switch self {
        case .repositoryNotFound(let path):
            "no git repository or folder at \(path) (check --repo: a path, or an https:// or ssh URL)"
        case .revisionNotFound(let revision, let repository, let branches):
            "revision \"\(revision)\" not found in \(repository)"
                + (branches.isEmpty ? " (it has no branches)" : " (its branches: \(branches.prefix(10).joined(separator: ", "))\(branches.count > 10 ? ", …" : ""))")
                + "; check --ref"
        case .pathNotFound(let path, let at):
            "path \"\(path)\" does not exist in \(at)"
        case .pathNotAFolder(let path, let at):
            "path \"\(path)\" in \(at) is a file; --path names the folder that holds the site folders"
        case .pathEscapes(let path):
            "path \"\(path)\" must be relative and stay inside the repository"
        case .revisionWithoutRepository(let revision, let folder):
            "\(folder) is a plain folder, not a git repository, so --ref \(revision) cannot be resolved"
        case .git(let operation, let message):
            "cannot \(operation): \(Self.plain(message))"
        case .tooLarge(let bytes, let limit):
            "the network files total \(bytes) bytes; the limit is \(limit)"
        }
    }
}
