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

        public init(name: String, url: String, state: GrantState, redemptions: Int, redemptionsAllowed: Int, expiresAt: Date) {
            self.name = name
            self.url = url
            self.state = state
            self.redemptions = redemptions
            self.redemptionsAllowed = redemptionsAllowed
            self.expiresAt = expiresAt
        }
    }

    /// `HOST:PORT` bound.
    public var address: String
    /// Why it does not serve, when it does not.
    public var error: String?
    public var grants: [Grant]

    public init(address: String, error: String? = nil, grants: [Grant]) {
        self.address = address
        self.error = error
        self.grants = grants
    }
}
