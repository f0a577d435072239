import Foundation
import SkiffRouterAPI

/// One grant as served: its code (a secret), how often it was redeemed, and when it expires. Kept in
/// `records/grants.json` (0600) so that counts and expiry survive restarts of the router and daemon.
public struct GrantRecord: Codable, Sendable, Hashable {
    public var name: String
    /// The redemption URL the token carries.
    public var url: String
    /// The one-time code. Never logged, never printed but into a token.
    public var code: String
    public var codeFromGit: Bool
    public var redemptionsAllowed: Int
    public var redemptions: Int
    public var createdAt: Date
    public var expiresAt: Date
    /// Serial of the site CA the grant was made under: a grant made under a replaced CA is revoked.
    public var caSerial: String
    /// Digest of what git says about the grant: a change makes a fresh grant.
    public var definition: String
    /// Sites that redeemed it, in order.
    public var redeemedBy: [String]

    /// Whether a redemption could succeed now (given the right code).
    public func state(now: Date, caSerial current: String) -> GrantState {
        if caSerial != current { return .revoked }
        if now >= expiresAt { return .expired }
        if redemptions >= redemptionsAllowed { return .usedUp }
        return .open
    }
}

extension GrantState {
    var refusal: RedemptionRefusal? {
        switch self {
        case .open: nil
        case .expired: .expired
        case .usedUp: .usedUp
        case .revoked: .revoked
        }
    }
}
