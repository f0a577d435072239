import Foundation
import SkiffPlan
import SkiffSupport
import SkiffTelemetry

/// What the daemon knows about its last cycles, for `/readyz`, `skiff status` and metrics. Written
/// to `records/daemon.json` after every cycle, so `skiff status` shows it too.
public struct DaemonState: Sendable, Codable, Hashable {
    public private(set) var lastResult: DaemonResult?
    public var lastCycleAt: Date?
    public var lastCycleSeconds: Double?
    /// The commit the site runs: the newest one that validated.
    public var goodCommit: String?
    /// The newest commit seen, valid or not.
    public var headCommit: String?
    /// One line: why the last cycle did not apply the head commit (nil when it did).
    public private(set) var lastError: String?
    /// Every error that stopped the head commit, as `file:line:column: message`.
    public private(set) var errors: [String] = []
    public private(set) var conditions: [DaemonCondition] = []
    /// Ready while the head commit is the one applied: not while a newer commit is invalid or
    /// blocked, nor while a failure is being retried. (The Ready condition's status, kept beside it.)
    public private(set) var ready = false
    public var cycles = 0
    public private(set) var consecutiveFailures = 0
    /// The daemon's process, so a reader can tell a record from a daemon that is gone.
    public var pid: Int32?
    /// How the router last ended under this daemon, and when (`pid 4242 killed by signal 9 (SIGKILL) at …`).
    public var lastRouterExit: String?
    /// What the last cycle planned and could not apply, one line per action (absent when none).
    private var pendingActions: [String]?
    /// The latest cycles that changed something or came to a new result, newest first (absent in
    /// records of earlier releases).
    private var applies: [GitOpsReport.Apply]?

    public var pending: [String] { pendingActions ?? [] }
    public var history: [GitOpsReport.Apply] { applies ?? [] }

    /// Most cycles kept in `history`.
    static let historyLength = 20

    public init() {}

    /// Records a cycle that came to `result` because of `errors` (the first explains it): the
    /// one-line error, the conditions and readiness all follow from them here, and only here.
    mutating func settle(_ result: DaemonResult, errors: [String], pending: [String] = [], changes: Int = 0, at: Date = Date()) {
        let previous = lastResult
        lastResult = result
        pendingActions = pending.isEmpty ? nil : pending
        // A cycle that changed something, or whose result differs from the last one, is history;
        // the same result again (an unchanged site, the same invalid commit) is not.
        let last = applies?.first
        if changes > 0 || previous != result || last?.commit != (result == .invalid || result == .untrusted ? headCommit : goodCommit) {
            let commit = result == .invalid || result == .untrusted ? headCommit : goodCommit
            applies = Array(([GitOpsReport.Apply(commit: commit, at: at, result: result.rawValue, changes: changes)] + (applies ?? []))
                .prefix(Self.historyLength))
        }
        self.errors = errors
        consecutiveFailures = result == .failed ? consecutiveFailures + 1 : 0
        let commit = headCommit.map { String($0.prefix(12)) } ?? "?"
        lastError = errors.first.flatMap { first in
            switch result {
            case .applied, .unchanged: nil
            case .invalid: "commit \(commit) does not validate: \(first)"
            case .untrusted: first
            case .blocked: "the site cannot apply commit \(commit): \(first)"
            case .failed: first
            }
        }
        conditions = DaemonCondition.after(result, head: headCommit, good: goodCommit, problem: lastError)
        ready = conditions.first { $0.type == .ready }?.status ?? false
    }

    enum CodingKeys: String, CodingKey {
        case lastResult = "last_result", lastCycleAt = "last_cycle_at", lastCycleSeconds = "last_cycle_seconds",
             goodCommit = "good_commit", headCommit = "head_commit", lastError = "last_error", errors, conditions, cycles,
             consecutiveFailures = "consecutive_failures", pid, lastRouterExit = "last_router_exit", ready,
             pendingActions = "pending", applies = "history"
    }

    // MARK: records/daemon.json

    static func path(_ directory: StateDirectory) -> String { directory.recordsPath + "/daemon.json" }

    func write(to directory: StateDirectory) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try FileManager.default.createDirectory(atPath: directory.recordsPath, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try AtomicFile.write(try encoder.encode(self), to: Self.path(directory), permissions: 0o600)
    }

    /// The last record a daemon wrote for the site, or nil when none ever ran (or it is unreadable).
    public static func load(from directory: StateDirectory) -> DaemonState? {
        guard let data = FileManager.default.contents(atPath: path(directory)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(DaemonState.self, from: data)
    }
}
