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

    /// The conditions after a cycle that came to `result`.
    static func after(_ result: DaemonResult, head: String?, good: String?, message: String?) -> [DaemonCondition] {
        let headText = head.map { String($0.prefix(12)) } ?? "?"
        let goodText = good.map { "; the site runs commit \(String($0.prefix(12)))" } ?? "; nothing applied yet"
        switch result {
        case .applied, .unchanged:
            return [DaemonCondition(type: .ready, status: true, reason: "Succeeded", message: "commit \(headText) is applied")]
        case .invalid:
            let why = "commit \(headText) does not validate: \(message ?? "?")\(goodText)"
            return [DaemonCondition(type: .ready, status: false, reason: "InvalidCommit", message: why),
                    DaemonCondition(type: .stalled, status: true, reason: "InvalidCommit", message: "waiting for a new commit")]
        case .blocked:
            let why = "the site cannot apply commit \(headText): \(message ?? "?")\(goodText)"
            return [DaemonCondition(type: .ready, status: false, reason: "SiteBlocked", message: why),
                    DaemonCondition(type: .stalled, status: true, reason: "SiteBlocked", message: "waiting for a person or a new commit")]
        case .failed:
            return [DaemonCondition(type: .ready, status: false, reason: "ReconcileFailed", message: message ?? "?"),
                    DaemonCondition(type: .reconciling, status: true, reason: "Progressing", message: "retrying with backoff")]
        }
    }
}
