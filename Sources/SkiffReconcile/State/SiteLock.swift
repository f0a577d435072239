import Foundation
import SkiffPlan
import SkiffSupport

/// One writer per site: an exclusive `flock` on `<state>/lock`, held by every command that changes
/// the site (`apply`, `daemon`, `token redeem`, `revoke-access`, `stop`) for as long as it runs.
/// Read-only commands never take it. The kernel lets go of it when the holder exits, however it
/// exits, so a crashed writer never leaves the site locked.
///
/// The file also says who holds it (`skiff daemon`, pid), so a refused writer can name the holder.
/// It is opened close-on-exec: a router that `apply` starts must not inherit (and keep) the lock.
public final class SiteLock {
    /// Why the lock could not be taken.
    public struct Failure: Error, CustomStringConvertible {
        public enum Kind: Sendable, Hashable {
            /// Another writer holds it (past the timeout).
            case held(by: String?)
            /// The lock file cannot be made or opened.
            case unusable(String)
        }

        public var site: String
        public var kind: Kind

        public var description: String {
            switch kind {
            case .held(let holder?): "site \(site) is locked by \(holder); try again when it is done, or wait with --lock-timeout"
            case .held(nil): "site \(site) is locked by another skiff command; try again when it is done, or wait with --lock-timeout"
            case .unusable(let reason): "cannot lock site \(site): \(reason)"
            }
        }
    }

    public static func path(_ directory: StateDirectory) -> String { directory.path + "/lock" }

    private let descriptor: Int32

    /// Takes the lock for `command` (as the holder's name, e.g. `skiff apply`), waiting up to
    /// `timeout` seconds for another writer (0: refuse at once). Creates the state directory when
    /// it does not exist yet.
    public init(_ directory: StateDirectory, site: String, command: String, timeout: Double = 0) throws {
        let path = Self.path(directory)
        do {
            try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(site: site, kind: .unusable("cannot create \(directory.path): \(Self.reason(error, path: directory.path))"))
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            let words = code == EACCES || code == EPERM ? Self.permissionDenied(path) : String(cString: strerror(code))
            throw Failure(site: site, kind: .unusable("cannot open \(path): \(words)"))
        }
        let outcome = Self.lock(descriptor, timeout: timeout)
        guard outcome == 0 else {
            let holder = Self.holder(path)
            close(descriptor)
            let kind: Failure.Kind = outcome == EWOULDBLOCK ? .held(by: holder) : .unusable("\(path): \(String(cString: strerror(outcome)))")
            throw Failure(site: site, kind: kind)
        }
        self.descriptor = descriptor
        let record = "\(command), pid \(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = record.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit {
        // Emptied first: a reader must never name a holder that is gone.
        _ = ftruncate(descriptor, 0)
        close(descriptor)
    }

    /// Who holds the lock at `path`, as it wrote itself there (nil when it did not say).
    public static func holder(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return line.isEmpty ? nil : line
    }

    /// flock(LOCK_EX), non-blocking, retried every 50 ms until `timeout` (bounded: never waits
    /// forever). 0 when taken, EWOULDBLOCK when another holder kept it, else the errno.
    private static func lock(_ descriptor: Int32, timeout: Double) -> Int32 {
        let deadline = Date().addingTimeInterval(max(timeout, 0))
        while true {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return 0 }
            let error = errno
            guard error == EWOULDBLOCK || error == EINTR else { return error }
            guard Date() < deadline else { return EWOULDBLOCK }
            usleep(50_000)
        }
    }

    private static func reason(_ error: Error, path: String) -> String {
        let nsError = error as NSError
        let posix = (nsError.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil }
        if (error as? CocoaError)?.code == .fileWriteNoPermission || posix == EACCES || posix == EPERM {
            return permissionDenied(path)
        }
        return nsError.localizedFailureReason ?? nsError.localizedDescription
    }

    /// `permission denied: user skiff cannot write in /var/lib (owned by root, mode 0755); …` —
    /// who runs skiff, the nearest folder that exists, its owner and mode, and what to do.
    static func permissionDenied(_ path: String) -> String {
        var folder = (path as NSString).deletingLastPathComponent
        while !folder.isEmpty, folder != "/", !FileManager.default.fileExists(atPath: folder) {
            folder = (folder as NSString).deletingLastPathComponent
        }
        if folder.isEmpty { folder = "." }
        let user = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "uid \(geteuid())"
        var info = stat()
        guard stat(folder, &info) == 0 else { return "permission denied for user \(user)" }
        let owner = getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(info.st_uid)"
        let mode = String(info.st_mode & 0o7777, radix: 8)
        return "permission denied: user \(user) cannot write in \(folder) (owned by \(owner), mode 0\(mode)); "
            + "pick a --state-dir that \(user) may write, or run skiff as \(owner)"
    }
}
