import SkiffPlan
/// One Flux-style condition of the daemon: `Ready` (the head commit is live), `Reconciling` (a
/// failure is being retried) or `Stalled` (waiting for a new commit or a person), each with a
/// machine-readable reason and a message for people.
public struct DaemonCondition: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable {
        case ready = "Ready", reconciling = "Reconciling", stalled = "Stalled"
    }

    public var type: Kind
    public var status: Bool
    /// `Succeeded`, `InvalidCommit`, `SiteBlocked`, `ReconcileFailed`, `Progressing`.
    public var reason: String
    public var message: String

    /// The conditions after a cycle that came to `result`; `problem` is the state's `lastError`.
    static func after(_ result: DaemonResult, head: String?, good: String?, problem: String?) -> [DaemonCondition] {
        let why = (problem ?? "?") + (good.map { "; the site runs commit \(String($0.prefix(12)))" } ?? "; nothing applied yet")
        switch result {
        case .applied, .unchanged:
            let headText = head.map { String($0.prefix(12)) } ?? "?"
            return [DaemonCondition(type: .ready, status: true, reason: "Succeeded", message: "commit \(headText) is applied")]
        case .invalid:
            return [DaemonCondition(type: .ready, status: false, reason: "InvalidCommit", message: why),
                    DaemonCondition(type: .stalled, status: true, reason: "InvalidCommit", message: "waiting for a new commit")]
        case .untrusted:
            return [DaemonCondition(type: .ready, status: false, reason: "UntrustedCommit", message: why),
                    DaemonCondition(type: .stalled, status: true, reason: "UntrustedCommit", message: "waiting for a commit signed by a trusted key")]
        case .blocked:
            return [DaemonCondition(type: .ready, status: false, reason: "SiteBlocked", message: why),
                    DaemonCondition(type: .stalled, status: true, reason: "SiteBlocked", message: "waiting for a person or a new commit")]
        case .failed:
            return [DaemonCondition(type: .ready, status: false, reason: "ReconcileFailed", message: problem ?? "?"),
                    DaemonCondition(type: .reconciling, status: true, reason: "Progressing", message: "retrying with backoff")]
        }
    }
}
