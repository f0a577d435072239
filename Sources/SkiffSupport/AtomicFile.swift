import Foundation

/// Whole-file writes that survive a crash or a power cut: the new content goes to a temporary file
/// in the same folder, created with its final mode (so a key is never readable by others, whatever
/// the umask), flushed to disk, renamed over the target, and the folder flushed too, so the rename
/// itself is durable. A reader sees the old file or the new one, never a torn one.
public enum AtomicFile {
    /// Why a write failed: the step, the path and the system's reason, in one line.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var step: String
        public var errno: Int32

        public var description: String { "cannot \(step) \(path): \(String(cString: strerror(errno)))" }
    }

    /// Writes `data` to `path` with mode `permissions`, durably.
    public static func write(_ data: Data, to path: String, permissions: Int) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(permissions))
        guard fd >= 0 else { throw Failure(path: temporary, step: "create", errno: errno) }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do {
            // open() applies the umask; the file gets exactly the mode asked for.
            guard fchmod(fd, mode_t(permissions)) == 0 else { throw Failure(path: temporary, step: "set the mode of", errno: errno) }
            try data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0, errno == EINTR { continue }
                    guard written > 0 else { throw Failure(path: temporary, step: "write", errno: errno) }
                    offset += written
                }
            }
            guard fsync(fd) == 0 else { throw Failure(path: temporary, step: "flush", errno: errno) }
            closed = true
            guard close(fd) == 0 else { throw Failure(path: temporary, step: "close", errno: errno) }
            guard rename(temporary, path) == 0 else { throw Failure(path: path, step: "replace", errno: errno) }
        } catch {
            unlink(temporary)
            throw error
        }
        try syncFolder(folder.isEmpty ? "." : folder)
    }

    /// Writes UTF-8 `text` to `path` (see `write(_:to:permissions:)`).
    public static func write(_ text: String, to path: String, permissions: Int) throws {
        try write(Data(text.utf8), to: path, permissions: permissions)
    }

    /// Flushes a folder's entries (a rename in it) to disk.
    static func syncFolder(_ folder: String) throws {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: folder, step: "open folder", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Failure(path: folder, step: "flush folder", errno: errno) }
    }
}
