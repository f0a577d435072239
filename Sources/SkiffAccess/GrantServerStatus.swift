import Foundation

/// The grant server as the management API shows it: where it listens and each grant's standing.
/// Codes are never part of it.
public struct GrantServerStatus: Codable, Sendable, Hashable {
    public struct Grant: Codable, Sendable, Hashable {
        public var name: String
        public var url: String
        public var state: GrantState
        public var redemptions: Int
        public var redemptionsAllowed: Int
        public var expiresAt: Date
    }

    /// `HOST:PORT` bound.
    public var address: String
    /// Why it does not serve, when it does not.
    public var error: String?
    public var grants: [Grant]
}
