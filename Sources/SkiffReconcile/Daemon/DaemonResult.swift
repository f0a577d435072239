import SkiffPlan
/// What one daemon cycle came to, classed by what happens next.
public enum DaemonResult: String, Sendable, Codable, Hashable {
    /// The head commit was applied (something changed).
    case applied
    /// The head commit was already live: nothing to do.
    case unchanged
    /// The head commit does not validate. The site runs the last good commit, and the daemon
    /// waits for a new commit: retrying the same one cannot help.
    case invalid
    /// The head commit is not signed by a trusted key (`--allowed-signers`, `--trusted-gpg-keys`).
    /// As with an invalid commit, the site runs the last good one and the daemon waits.
    case untrusted
    /// The site itself stops an apply (a damaged CA): stalled until a person or a new commit
    /// resolves it, with no retry storm.
    case blocked
    /// Fetching, reading or applying failed: retried with backoff.
    case failed

    /// Stalled: nothing changes until a new commit or a person acts.
    public var isStalled: Bool { self == .invalid || self == .untrusted || self == .blocked }
}
