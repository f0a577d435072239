/// Why the desired state could not be read at all. Each reaches the user as one line.
public enum SourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither a git repository nor a folder exists at the path.
    case repositoryNotFound(String)
    /// The revision does not resolve to a commit.
    case revisionNotFound(revision: String, repository: String)
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

    public var description: String {
        switch self {
        case .repositoryNotFound(let path):
            "no git repository or folder at \(path)"
        case .revisionNotFound(let revision, let repository):
            "revision \"\(revision)\" not found in \(repository)"
        case .pathNotFound(let path, let at):
            "path \"\(path)\" does not exist in \(at)"
        case .pathNotAFolder(let path, let at):
            "path \"\(path)\" in \(at) is a file; --path names the folder that holds the site folders"
        case .pathEscapes(let path):
            "path \"\(path)\" must be relative and stay inside the repository"
        case .revisionWithoutRepository(let revision, let folder):
            "\(folder) is a plain folder, not a git repository, so --ref \(revision) cannot be resolved"
        case .git(let operation, let message):
            "git: \(operation): \(message)"
        case .tooLarge(let bytes, let limit):
            "the network files total \(bytes) bytes; the limit is \(limit)"
        }
    }
}
