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

    /// Reaps `pid` if it is a child of this process that has ended; returns whether it has ended
    /// (and was reaped now or before).
    static func reapIfEnded(_ pid: Int32) -> Bool {
        lock.withLock {
            if ended[pid] != nil { return true }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return false }
            ended[pid] = describe(waitStatus: status)
            return true
        }
    }

    /// How `pid` ended, once reaped here; nil for a process that was not this one's child.
    public static func exit(of pid: Int32) -> String? {
        lock.withLock { ended[pid] }
    }
}
