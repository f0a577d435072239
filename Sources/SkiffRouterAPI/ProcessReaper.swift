import Foundation

/// Reaps the processes this one started (a router `apply` or the daemon spawned) and keeps how
/// each ended, so the one that reaps it — whoever calls first — does not lose the exit status for
/// the one that reports it. A process Skiff did not start (a router an earlier daemon spawned) is
/// not its child: it is seen to be gone, its status unknown.
public enum ProcessReaper {
    /// How a process ended: `exited with status 1`, `killed by signal 9 (SIGKILL)`.
    public static func describe(waitStatus status: Int32) -> String {
        let signal = status & 0x7f
        if signal == 0 { return "exited with status \((status >> 8) & 0xff)" }
        let name = signalNames[signal].map { " (\($0))" } ?? ""
        return "killed by signal \(signal)\(name)"
    }

    static let signalNames: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS",
        SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE", SIGTERM: "SIGTERM",
    ]

    private static let lock = NSLock()
    nonisolated(unsafe) private static var ended: [Int32: String] = [:]

    /// What reaping a process found.
    enum Reaping {
        /// A child of this process that has ended, reaped now or before (`exit(of:)` says how).
        case ended
        /// A child of this process that has not ended, or not wholly: a process killed outright
        /// shows as a zombie while its other threads still exit, and cannot be reaped until they have.
        case running
        /// Not a child of this process (or no such process).
        case notChild
    }

    /// Reaps `pid` if it is a child of this process that has ended.
    static func reap(_ pid: Int32) -> Reaping {
        lock.withLock {
            if ended[pid] != nil { return .ended }
            var status: Int32 = 0
            switch waitpid(pid, &status, WNOHANG) {
            case pid:
                ended[pid] = describe(waitStatus: status)
                return .ended
            case 0: return .running
            default: return .notChild
            }
        }
    }

    /// How `pid` ended, once reaped here; nil for a process that was not this one's child.
    public static func exit(of pid: Int32) -> String? {
        lock.withLock { ended[pid] }
    }
}
