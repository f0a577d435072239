import SkiffAccess
import SkiffModel
import SkiffRouterAPI

/// Tokens on the redeeming side: which AccessTokens still need redeeming, which were refused, and
/// the links that redeemed ones create.
public enum TokenPlanning {
    /// One redemption per AccessToken that was never redeemed, is a new token under an old name, or
    /// failed in a way that may pass. Refused tokens are not retried (see `problems`).
    static func actions(site: DesiredSite, ledger: TokenLedger) -> [PlanAction] {
        site.resources(of: .accessToken).compactMap { resource in
            let spec = AccessTokenSpec(resource.spec)
            guard ledger.needsRedemption(name: resource.name, url: spec.url, code: spec.code) else { return nil }
            let reason: PlanReason
            switch ledger.tokens[resource.name] {
            case nil: reason = PlanReason(.notRedeemed)
            case let record? where record.outcome == .failed && record.token == TokenLedger.digest(url: spec.url, code: spec.code):
                reason = PlanReason(.retry, record.message ?? "last attempt failed")
            default: reason = PlanReason(.newToken)
            }
            return PlanAction(verb: .create, target: .redemption(resource.name), reason: reason)
        }
    }

    /// Tokens the grant server refused for good, as warnings at the resource: a fresh token is needed.
    static func problems(site: DesiredSite, ledger: TokenLedger) -> [Diagnostic] {
        site.resources(of: .accessToken).compactMap { resource in
            let spec = AccessTokenSpec(resource.spec)
            guard let record = ledger.tokens[resource.name], record.outcome == .refused,
                  record.token == TokenLedger.digest(url: spec.url, code: spec.code) else { return nil }
            return .warning(at: resource.location(of: "spec.code"), path: "spec",
                            "AccessToken/\(resource.name) was refused: \(record.message ?? "?"); commit a fresh token")
        }
    }

    /// The links redeemed tokens create: one per redeemed AccessToken still in git (or redeemed by
    /// hand), unless a Link of the same name in git says how to dial instead.
    static func links(site: DesiredSite, ledger: TokenLedger) -> [RouterConfig.Link] {
        let declared = Set(site.resources(of: .link).map(\.name))
        let inGit = Dictionary(site.resources(of: .accessToken).map { ($0.name, AccessTokenSpec($0.spec)) }, uniquingKeysWith: { a, _ in a })
        return ledger.redeemed.values.sorted { $0.name < $1.name }.compactMap { record in
            guard !declared.contains(record.name), inGit[record.name] != nil || record.manual else { return nil }
            return link(for: record, edge: site.siteSpec.edge, cost: inGit[record.name]?.linkCost)
        }
    }

    /// The link a redeemed token creates: to the endpoint for this site's role (Skupper lists
    /// inter-router and edge endpoints), at `cost` or the cost recorded at redemption.
    package static func link(for record: TokenLedger.Record, edge: Bool, cost: Int? = nil) -> RouterConfig.Link? {
        let role = edge ? "edge" : "inter-router"
        guard let endpoint = record.endpoints.first(where: { $0.name == role }) ?? record.endpoints.first else { return nil }
        return RouterConfig.Link(name: record.name, host: endpoint.host, port: endpoint.port, cost: cost ?? record.cost, credentials: record.name)
    }
}
