import CGit2

/// Process-wide libgit2 set-up and error reporting.
enum Libgit2 {
    /// `git_libgit2_init` runs once, on first use (Swift initialises globals lazily and thread-safely).
    private static let initialized: Bool = {
        git_libgit2_init()
        return true
    }()

    static func ensureInitialized() {
        _ = initialized
    }

    /// Throws `SourceError.git` with libgit2's last message when `code` is an error.
    static func check(_ code: Int32, _ operation: @autoclosure () -> String) throws {
        guard code < 0 else { return }
        throw SourceError.git(operation: operation(), message: lastErrorMessage(code))
    }

    static func lastErrorMessage(_ code: Int32) -> String {
        if let error = git_error_last(), let message = error.pointee.message {
            return String(cString: message)
        }
        return "error \(code)"
    }

    static let notFound = GIT_ENOTFOUND.rawValue
}

/// The libgit2 this binary is linked with, for `skiff version`.
public enum GitLibrary {
    /// `1.7.2`: the running library's version (not the headers').
    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
