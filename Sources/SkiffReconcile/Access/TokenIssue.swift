import Foundation
import SkiffAccess
import SkiffModel
import SkiffPKI
import SkiffPlan
import SkiffRouterAPI
import SkiffSupport

/// `skiff token issue`: the AccessToken for one of a site's grants, from what its router serves.
public enum TokenIssue {
    /// The token's YAML. Refuses a grant the router does not serve yet, and one that is used up,
    /// expired or revoked: a token for it would only be refused later, far from here.
    public static func render(grant: String, site: String, stateDirectory: StateDirectory, tokenName: String?, now: Date = Date()) throws -> String {
        let book = try GrantBook.load(stateDirectory: stateDirectory.path)
        guard let record = book.grants[grant] else {
            if book.grants.isEmpty { throw AccessError.grantNotServed(name: grant, site: site) }
            throw AccessError.noSuchGrant(name: grant, site: site, known: book.grants.keys.sorted())
        }
        let pki = SitePKI(stateDirectory: stateDirectory.path)
        let ca = try pki.loadCA()
        let state = record.state(now: now, caSerial: ca.certificate.serialHex)
        guard state == .open else { throw AccessError.grantUnusable(name: grant, state: state) }
        // The token's CA is the one the router's served certificate verifies against.
        let served = (try? RouterProcess.loadConfig(stateDirectory.path))?.serverCredentials
        return AccessTokenDocument.render(name: tokenName ?? grant, grant: grant, url: record.url, code: record.code, ca: try pki.servedCA(served),
                                          grantingSite: site, expiresAt: ISO8601DateFormatter().string(from: record.expiresAt),
                                          annotations: [GrantingSite.annotation: site])
    }
}
