/// Where a grant stands.
public enum GrantState: String, Codable, Sendable, Hashable {
    case open, expired, usedUp = "used-up", revoked
}
