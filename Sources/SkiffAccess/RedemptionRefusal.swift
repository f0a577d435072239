/// Why a grant server refused a redemption. Each reason has its own HTTP status (Skupper's 404 for
/// an unknown grant, 403 for the rest) and its own words, so the redeeming site can say in one line
/// what went wrong and what to do.
public enum RedemptionRefusal: String, Codable, Sendable, Hashable, Error, CaseIterable {
    case unknownGrant = "unknown-grant"
    case wrongCode = "wrong-code"
    case expired
    case usedUp = "used-up"
    case revoked
    case rateLimited = "rate-limited"
    case badRequest = "bad-request"
    case methodNotAllowed = "method-not-allowed"
    case tooLarge = "too-large"
    case unavailable

    public var httpStatus: Int {
        switch self {
        case .unknownGrant: 404
        case .wrongCode, .expired, .usedUp, .revoked: 403
        case .rateLimited: 429
        case .badRequest: 400
        case .methodNotAllowed: 405
        case .tooLarge: 413
        case .unavailable: 503
        }
    }

    /// Whether trying the same token again can ever succeed.
    public var isPermanent: Bool {
        switch self {
        case .unknownGrant, .wrongCode, .expired, .usedUp, .revoked, .badRequest, .methodNotAllowed, .tooLarge: true
        case .rateLimited, .unavailable: false
        }
    }

    /// What the redeeming side's owner reads.
    public var explanation: String {
        switch self {
        case .unknownGrant: "the granting site has no such grant (deleted, renamed, or the URL is wrong)"
        case .wrongCode: "the code does not match the grant"
        case .expired: "the grant has expired; ask the granting site for a fresh token"
        case .usedUp:
            "the grant's redemptions are used up; if this site already redeemed it and lost its state directory, it needs a fresh token"
        case .revoked: "the granting site revoked access (its CA was replaced); ask for a fresh token"
        case .rateLimited: "too many failed attempts from this address; try again in a minute"
        case .badRequest: "the redemption request was malformed"
        case .methodNotAllowed: "redemptions are POST requests"
        case .tooLarge: "the redemption request was too large"
        case .unavailable: "the grant server cannot issue credentials right now"
        }
    }
}
