import Foundation
import SkiffAccess
import SkiffPKI

/// Redeems a token for a site and keeps what it yields: credentials under `pki/links/<name>/`,
/// the outcome in `records/tokens.json`. Never throws for a refusal: the outcome is recorded and
/// returned, so one bad token does not stop the rest of a site's apply.
///
/// A success is never undone by a later attempt: the same token again returns the recorded
/// success without asking the grant server (which would refuse it as used up), and a different
/// token under the same name that fails is returned but not recorded over the link that works.
public enum TokenRedemption {
    public static func redeem(name: String, token: RedemptionClient.Token, cost: Int, site: String, stateDirectory: String,
                              manual: Bool = false, now: Date = Date()) throws -> TokenLedger.Record
    {
        var ledger = try TokenLedger.load(stateDirectory: stateDirectory)
        let digest = TokenLedger.digest(url: token.url, code: token.code)
        let earlier = ledger.tokens[name].flatMap { $0.outcome == .redeemed ? $0 : nil }
        if let earlier, earlier.token == digest { return earlier }
        var record = TokenLedger.Record(name: name, token: digest, outcome: .failed, at: now, cost: cost, manual: manual)
        do {
            let response = try RedemptionClient.redeem(token, site: site, link: name)
            try store(response, link: name, stateDirectory: stateDirectory, now: now)
            record.outcome = .redeemed
            record.grantingSite = response.site
            record.endpoints = response.endpoints
        } catch AccessError.refused(let refusal, let message, let url) {
            record.outcome = refusal.isPermanent ? .refused : .failed
            record.message = AccessError.refused(refusal, message: message, url: url).description
        } catch let error as AccessError {
            if case .untrusted = error { record.outcome = .refused }
            record.message = error.description
        } catch {
            record.message = "\(error)"
        }
        // The link made by the earlier success keeps its record (and its credentials, which
        // `store` writes only after a successful redemption).
        if record.outcome != .redeemed, earlier != nil { return record }
        ledger.tokens[name] = record
        try ledger.save(stateDirectory: stateDirectory)
        return record
    }

    /// Writes the link's credentials, then checks them as the router will use them.
    static func store(_ response: RedemptionResponse, link: String, stateDirectory: String, now: Date) throws {
        let pki = SitePKI(stateDirectory: stateDirectory)
        try pki.writeLinkCredentials(link, pem: ["tls.key": response.key, "tls.crt": response.certificate, "ca.crt": response.ca])
        let report = pki.inspectLink(link, now: now)
        guard report.problems.isEmpty else {
            throw AccessError.unreachable(url: "", message: "the credentials received do not check out: "
                + report.problems.map { "\($0)" }.joined(separator: "; "))
        }
    }
}
