import Foundation
import SkiffAccess
import SkiffAccessHTTPS
import SkiffModel
import SkiffPlan
import SkiffRouterAPI
import SkiffSupport

/// `skiff token redeem FILE`: a token redeemed by hand, for sites not driven from git. The link it
/// creates is kept (records/tokens.json marks it manual) and pushed to the router if it runs.
public enum ManualRedemption {
    public struct Outcome: Sendable {
        public var record: TokenLedger.Record
        /// Whether the running router now dials the link (false: the next `apply` or router start will).
        public var routerUpdated: Bool
    }

    /// A token file, read and checked: the one AccessToken it must hold.
    public struct TokenFile: Sendable {
        public var name: String
        public var token: RedemptionClient.Token
        public var cost: Int
    }

    public static func redeem(file path: String, site: String, stateDirectory: StateDirectory, now: Date = Date()) throws -> Outcome {
        guard let data = FileManager.default.contents(atPath: path) else { throw AccessError.badToken(path: path, message: "cannot be read") }
        let file = try token(in: Array(data), path: path, site: site)
        let record = try TokenRedemption.redeem(name: file.name, token: file.token, cost: file.cost, site: site,
                                                stateDirectory: stateDirectory.path, manual: true, now: now)
        guard record.outcome == .redeemed else {
            throw AccessError.badToken(path: path, message: record.message ?? "not redeemed")
        }
        return Outcome(record: record, routerUpdated: pushLink(record, site: site, stateDirectory: stateDirectory))
    }

    /// Reads the token in `bytes` (the contents of `path`) as `site` would redeem it; touches nothing.
    public static func token(in bytes: [UInt8], path: String, site: String) throws -> TokenFile {
        let (resources, _, diagnostics) = Network.loadStandalone(NetworkFile(path: path, bytes: bytes), site: site)
        if let error = diagnostics.errors.first { throw AccessError.badToken(path: path, message: "\(error)".dropPrefix(path + ": ")) }
        let tokens = resources.filter { $0.kind == .accessToken }
        guard tokens.count == 1, let token = tokens.first else {
            throw AccessError.badToken(path: path, message: "expected one AccessToken, found \(tokens.count) (and \(resources.count - tokens.count) other resources)")
        }
        let spec = AccessTokenSpec(token.spec)
        return TokenFile(name: token.name, token: RedemptionClient.Token(url: spec.url, code: spec.code, ca: spec.ca), cost: spec.linkCost)
    }

    /// Adds the new link to the running router's configuration; false when no router runs.
    static func pushLink(_ record: TokenLedger.Record, site: String, stateDirectory: StateDirectory) -> Bool {
        RouterSupervisor(stateDirectory: stateDirectory).update { config in
            config.links = config.links.filter { $0.name != record.name }
                + (TokenPlanning.link(for: record, edge: config.edge).map { [$0] } ?? [])
        }
    }
}
