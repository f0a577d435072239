import SkiffRouterAPI
import Crypto
import Foundation

/// What became of each token a site redeemed (or tried to): `records/tokens.json`. A token
/// redeemed once is never redeemed again while its URL and code stay the same; a refusal that
/// cannot change (used up, expired, wrong code) is not retried either.
public struct TokenLedger: Codable, Sendable, Hashable, RecordFile {
    static let relativePath = "records/tokens.json"
    static let empty = TokenLedger()

    public enum Outcome: String, Codable, Sendable, Hashable {
        /// Credentials stored, link created.
        case redeemed
        /// Refused for good: a fresh token is needed.
        case refused
        /// Could not reach the grant server, or it could not answer: tried again later.
        case failed
    }

    public struct Record: Codable, Sendable, Hashable {
        public var name: String
        /// Digest of the token's URL and code: a different token under the same name is redeemed afresh.
        public var token: String
        public var outcome: Outcome
        public var at: Date
        /// The granting site, once redeemed.
        public var grantingSite: String?
        public var endpoints: [LinkEndpoint]
        public var cost: Int
        /// What went wrong, in one line, when not redeemed.
        public var message: String?
        /// Redeemed with `skiff token redeem`, not from git: its link stays without an AccessToken in git.
        public var manual: Bool

        public init(name: String, token: String, outcome: Outcome, at: Date, grantingSite: String? = nil, endpoints: [LinkEndpoint] = [],
                    cost: Int = 1, message: String? = nil, manual: Bool = false)
        {
            self.name = name
            self.token = token
            self.outcome = outcome
            self.at = at
            self.grantingSite = grantingSite
            self.endpoints = endpoints
            self.cost = cost
            self.message = message
            self.manual = manual
        }
    }

    public var tokens: [String: Record]

    public init(tokens: [String: Record] = [:]) {
        self.tokens = tokens
    }

    public static func path(stateDirectory: String) -> String { path(in: stateDirectory) }

    public static func load(stateDirectory: String) throws -> TokenLedger { try read(from: stateDirectory) }

    public func save(stateDirectory: String) throws { try write(to: stateDirectory) }

    /// The digest that identifies a token without keeping its code.
    public static func digest(url: String, code: String) -> String {
        SHA256.hash(data: Data("\(url)\n\(code)".utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether the token named `name` with this URL and code still needs redeeming: never tried,
    /// a different token under the name, or a failure that may pass.
    public func needsRedemption(name: String, url: String, code: String) -> Bool {
        guard let record = tokens[name], record.token == Self.digest(url: url, code: code) else { return true }
        return record.outcome == .failed
    }

    /// Redeemed tokens, by name.
    public var redeemed: [String: Record] { tokens.filter { $0.value.outcome == .redeemed } }
}
