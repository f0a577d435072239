import Foundation
import SkiffSupport

/// What the daemon knows about its last cycles, for `/readyz`, `skiff status` and metrics. Written
/// to `records/daemon.json` after every cycle, so `skiff status` shows it too.
public struct DaemonState: Sendable, Codable, Hashable {
    public var lastResult: DaemonResult?
    public var lastCycleAt: Date?
    public var lastCycleSeconds: Double?
    /// The commit the site runs: the newest one that validated.
    public var goodCommit: String?
    /// The newest commit seen, valid or not.
    public var headCommit: String?
    /// One line: why the last cycle did not apply the head commit.
    public var lastError: String?
    /// Every error that stopped the head commit, as `file:line:column: message`.
    public var errors: [String] = []
    public var conditions: [DaemonCondition] = []
    public var cycles = 0
    public var consecutiveFailures = 0
    /// The daemon's process, so a reader can tell a record from a daemon that is gone.
    public var pid: Int32?
    /// How the router last ended under this daemon, and when (`pid 4242 killed by signal 9 (SIGKILL) at …`).
    public var lastRouterExit: String?

    /// Ready while the head commit is the one applied: not while a newer commit is invalid or
    /// blocked, nor while a failure is being retried.
    public var ready: Bool { conditions.first { $0.type == .ready }?.status ?? false }

    public init() {}

    enum CodingKeys: String, CodingKey {
        case lastResult = "last_result", lastCycleAt = "last_cycle_at", lastCycleSeconds = "last_cycle_seconds",
             goodCommit = "good_commit", headCommit = "head_commit", lastError = "last_error", errors, conditions, cycles,
             consecutiveFailures = "consecutive_failures", pid, lastRouterExit = "last_router_exit", ready
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        lastResult = try container.decodeIfPresent(DaemonResult.self, forKey: .lastResult)
        lastCycleAt = try container.decodeIfPresent(Date.self, forKey: .lastCycleAt)
        lastCycleSeconds = try container.decodeIfPresent(Double.self, forKey: .lastCycleSeconds)
        goodCommit = try container.decodeIfPresent(String.self, forKey: .goodCommit)
        headCommit = try container.decodeIfPresent(String.self, forKey: .headCommit)
        lastError = try container.decodeIfPresent(String.self, forKey: .lastError)
        errors = try container.decodeIfPresent([String].self, forKey: .errors) ?? []
        conditions = try container.decodeIfPresent([DaemonCondition].self, forKey: .conditions) ?? []
        cycles = try container.decodeIfPresent(Int.self, forKey: .cycles) ?? 0
        consecutiveFailures = try container.decodeIfPresent(Int.self, forKey: .consecutiveFailures) ?? 0
        pid = try container.decodeIfPresent(Int32.self, forKey: .pid)
        lastRouterExit = try container.decodeIfPresent(String.self, forKey: .lastRouterExit)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(lastResult, forKey: .lastResult)
        try container.encodeIfPresent(lastCycleAt, forKey: .lastCycleAt)
        try container.encodeIfPresent(lastCycleSeconds, forKey: .lastCycleSeconds)
        try container.encodeIfPresent(goodCommit, forKey: .goodCommit)
        try container.encodeIfPresent(headCommit, forKey: .headCommit)
        try container.encodeIfPresent(lastError, forKey: .lastError)
        try container.encode(errors, forKey: .errors)
        try container.encode(conditions, forKey: .conditions)
        try container.encode(cycles, forKey: .cycles)
        try container.encode(consecutiveFailures, forKey: .consecutiveFailures)
        try container.encodeIfPresent(pid, forKey: .pid)
        try container.encodeIfPresent(lastRouterExit, forKey: .lastRouterExit)
        try container.encode(ready, forKey: .ready)
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
