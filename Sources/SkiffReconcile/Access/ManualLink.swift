import Foundation
import SkiffAccess
import SkiffModel
import SkiffPKI
import SkiffPlan
import SkiffRouterAPI
import SkiffSupport

/// `skiff link apply FILE`: a Link and the Secret with its credentials (what `skiff link generate`
/// or `skupper link generate` prints), applied at the dialling site without git. The credentials go
/// to `pki/links/<link>/`; the link is kept in `records/tokens.json` as one made by hand, so apply
/// and the router keep dialling it, and pushed to the router if it runs.
public enum ManualLink {
    public struct Outcome: Sendable {
        public var link: String
        public var endpoint: String
        /// Whether the running router now dials the link (false: the next `apply` or router start will).
        public var routerUpdated: Bool
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    public static func apply(file path: String, site: String, stateDirectory: StateDirectory, now: Date = Date()) throws -> Outcome {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(path: path, message: "cannot be read") }
        let (link, secret) = try read(Array(data), path: path, site: site)
        let spec = LinkSpec(link.spec)
        let pki = SitePKI(stateDirectory: stateDirectory.path)
        let digest = SitePKI.linkDigest(pem: secret.pem)
        try check(secret, name: link.name, pki: pki, now: now, path: path)
        try pki.writeLinkCredentials(link.name, pem: secret.pem)
        var ledger = try TokenLedger.load(stateDirectory: stateDirectory.path)
        let record = TokenLedger.Record(name: link.name, token: "link:" + digest, outcome: .redeemed, at: now, grantingSite: nil,
                                        endpoints: spec.endpoints.map { LinkEndpoint(name: $0.name ?? "inter-router", host: $0.host, port: $0.port) },
                                        cost: spec.cost, manual: true)
        ledger.tokens[link.name] = record
        try ledger.save(stateDirectory: stateDirectory.path)
        let endpoint = TokenPlanning.link(for: record, edge: false).map { HostPort.format($0.host, $0.port) } ?? "?"
        return Outcome(link: link.name, endpoint: endpoint, routerUpdated: ManualRedemption.pushLink(record, site: site, stateDirectory: stateDirectory))
    }

    /// The one Link in the file and the Secret its `tlsCredentials` names; touches nothing.
    static func read(_ bytes: [UInt8], path: String, site: String) throws -> (Resource, CredentialSecret) {
        let loaded = Network.loadStandalone(NetworkFile(path: path, bytes: bytes), site: site)
        if let error = loaded.diagnostics.errors.first { throw Failure(path: path, message: "\(error)".dropPrefix(path + ": ")) }
        let links = loaded.resources.filter { $0.kind == .link }
        guard links.count == 1, let link = links.first else {
            throw Failure(path: path, message: "expected one Link, found \(links.count) (and \(loaded.resources.count - links.count) other resources)")
        }
        let credentials = LinkSpec(link.spec).tlsCredentials ?? link.name
        guard let secret = loaded.secrets.first(where: { $0.name == credentials }) else {
            throw Failure(path: path, message: "Link/\(link.name) names credentials \(credentials), but the file holds no Secret of that name")
        }
        return (link, secret)
    }

    /// The credentials must check out as the router will use them (certificate, key, CA agree and
    /// are in date) before they replace anything.
    static func check(_ secret: CredentialSecret, name: String, pki: SitePKI, now: Date, path: String) throws {
        // Checked in a scratch folder inside the site's own pki/ (never /tmp: the key stays where
        // keys live), then removed.
        let scratchRoot = pki.root + "/.incoming-\(UUID().uuidString)"
        let scratch = SitePKI(stateDirectory: scratchRoot)
        defer { try? FileManager.default.removeItem(atPath: scratchRoot) }
        try scratch.writeLinkCredentials(name, pem: secret.pem)
        let report = scratch.inspectLink(name, now: now)
        guard report.problems.isEmpty else {
            throw Failure(path: path, message: "the credentials in Secret/\(secret.name) do not check out: "
                + report.problems.map { "\($0)".dropPrefix(scratch.linkFolder(name) + "/") }.joined(separator: "; "))
        }
    }
}
