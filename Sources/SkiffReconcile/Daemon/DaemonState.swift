import Foundation

/// What the daemon knows about its last cycles, for `/readyz`, status and metrics.
public struct DaemonState: Sendable, Codable, Hashable {
    /// `applied`, `unchanged`, `invalid` (a commit that does not validate: stalled until the next
    /// commit), or `failed` (fetch or apply failed: retried with backoff).
    public var lastResult: String?
    public var lastCycleAt: Date?
    public var lastCycleSeconds: Double?
    /// The commit the site runs: the newest one that validated.
    public var goodCommit: String?
    /// The newest commit seen, valid or not.
    public var headCommit: String?
    /// One line: why the last cycle did not apply the head commit.
    public var lastError: String?
    public var cycles = 0
    public var consecutiveFailures = 0
    /// Ready once a commit that validates has been applied.
    public var ready = false

    enum CodingKeys: String, CodingKey {
        case lastResult = "last_result", lastCycleAt = "last_cycle_at", lastCycleSeconds = "last_cycle_seconds",
             goodCommit = "good_commit", headCommit = "head_commit", lastError = "last_error", cycles,
             consecutiveFailures = "consecutive_failures", ready
    }
}
