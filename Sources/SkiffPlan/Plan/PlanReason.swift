/// Why a plan acts, by who caused it — which decides what the action means (drift is corrected,
/// a change from git is carried out) — with the detail people read. Rendered as the plan prints
/// it: `added in git`, `changed in git: port 8080 → 8081`, `drift: listener api missing`.
public struct PlanReason: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// A certificate the site needs is not there.
        case missing
        /// The router is not running.
        case notRunning = "not running"
        /// In git and not live (`added` when comparing two commits).
        case addedInGit = "added in git", added
        /// Git changed it (`changed` for two commits, or Skiff's own change: certificates, redemptions).
        case changedInGit = "changed in git", changed
        /// Changed outside Skiff: what is live differs from what was applied.
        case drift
        /// Live and no longer in git (`removed` for two commits).
        case pruned, removed
        /// A certificate inside its renewal window.
        case renewal
        /// An AccessToken to redeem: never redeemed, a new one under an old name, or a retry.
        case notRedeemed = "not redeemed yet", newToken = "a new token", retry
    }

    public var kind: Kind
    public var detail: String?

    public init(_ kind: Kind, _ detail: String? = nil) {
        self.kind = kind
        self.detail = detail
    }

    public static let missing = PlanReason(.missing)
    public static let notRunning = PlanReason(.notRunning)
    public static func changedInGit(_ detail: String) -> PlanReason { PlanReason(.changedInGit, detail) }
    public static func changed(_ detail: String) -> PlanReason { PlanReason(.changed, detail) }
    public static func drift(_ detail: String) -> PlanReason { PlanReason(.drift, detail) }
    public static func pruned(_ detail: String) -> PlanReason { PlanReason(.pruned, detail) }

    /// Carrying it out repairs something that broke or was changed by hand.
    public var correctsDrift: Bool { kind == .drift || kind == .notRunning }

    public var description: String {
        switch kind {
        case .renewal: detail ?? "renewal due"
        default: detail.map { "\(kind.rawValue): \($0)" } ?? kind.rawValue
        }
    }
}
