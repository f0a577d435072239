import Foundation

/// A real git repository in a temporary folder, driven with the git CLI (a tool nobody here wrote),
/// so that what libgit2 reads is checked against what git itself wrote.
public final class GitFixture: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public var path: String { directory.path }

    public init(_ label: String = "skiff-repo") throws {
        directory = try TemporaryDirectory(label)
        try git("init", "-q", "-b", "main")
    }

    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        try gitArguments(arguments)
    }

    @discardableResult
    public func gitArguments(_ arguments: [String]) throws -> String {
        let environment = [
            "GIT_AUTHOR_NAME": "Ada Tester", "GIT_AUTHOR_EMAIL": "ada@example.com",
            "GIT_COMMITTER_NAME": "Ada Tester", "GIT_COMMITTER_EMAIL": "ada@example.com",
            "GIT_CONFIG_NOSYSTEM": "1", "HOME": directory.path,
        ]
        let result = try Command.check("git", ["-C", path] + arguments, environment: environment)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    public func write(_ relative: String, _ text: String) throws -> String {
        try directory.write(relative, text)
    }

    /// Stages everything and commits; returns the new commit id.
    @discardableResult
    public func commit(_ message: String) throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty", "-m", message)
        return try git("rev-parse", "HEAD")
    }
}
