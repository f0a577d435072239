import Foundation

/// Where a clone or fetch that takes longer than a second reports how far it got (once a second):
/// the CLI prints it to stderr, the daemon logs it. Silent until someone listens.
public enum FetchProgress {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var handler: (@Sendable (String) -> Void)?

    /// Sends progress lines to `handler` from now on (nil: silence).
    public static func report(to handler: (@Sendable (String) -> Void)?) {
        lock.withLock { self.handler = handler }
    }

    static func emit(_ line: String) {
        let handler = lock.withLock { self.handler }
        handler?(line)
    }

    /// Tracks one transfer: what it says, and when it last spoke.
    final class Transfer {
        let name: String
        let started = Date()
        let deadline: Date
        private var lastReport: Date?

        init(name: String, timeout: Double) {
            self.name = name
            deadline = started.addingTimeInterval(timeout)
        }

        var timedOut: Bool { Date() > deadline }

        /// Called by libgit2 as objects arrive.
        func update(received: Int, total: Int, bytes: Int) {
            let now = Date()
            guard now.timeIntervalSince(started) >= 1, now.timeIntervalSince(lastReport ?? .distantPast) >= 1 else { return }
            lastReport = now
            FetchProgress.emit("fetching \(name): \(received)/\(total) objects, \(Self.size(bytes))")
        }

        /// Says how long it took, if it took long enough to have reported progress.
        func finish() {
            guard lastReport != nil else { return }
            FetchProgress.emit(String(format: "fetched \(name) in %.1f s", Date().timeIntervalSince(started)))
        }

        static func size(_ bytes: Int) -> String {
            bytes < 1 << 20 ? "\(bytes >> 10) KiB" : String(format: "%.1f MiB", Double(bytes) / Double(1 << 20))
        }
    }
}
