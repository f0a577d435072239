import Foundation
import SkiffModel
import SkiffPKI
import SkiffPlan
import SkiffSupport

/// `skiff link generate`: a Link to this site and its credentials, in the format `skupper link
/// generate` prints (a Link, then a `v1` Secret with `ca.crt`, `tls.crt` and `tls.key`). Unlike a
/// token it needs no grant server and no redemption, and unlike Skupper's it names the site that
/// will dial: Skiff's routers accept a link only from the site its certificate names.
public enum LinkGeneration {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case noLinkAccess(site: String)
        case sameSite(String)
        case invalidName(String, problem: String)

        public var description: String {
            switch self {
            case .noLinkAccess(let site):
                "site \(site) accepts no links: give its Site linkAccess: default, or a RouterAccess, and apply it first"
            case .sameSite(let site):
                "a site cannot link to itself: --for names the site that will dial \(site)"
            case .invalidName(let name, let problem):
                "invalid name \"\(name)\": \(problem)"
            }
        }
    }

    /// The Link and Secret YAML; the client certificate is issued now by the site's CA (the site must
    /// have been applied, so its CA exists) for `dialler`.
    public static func render(site: DesiredSite, for dialler: String, name: String?, cost: Int = 1, stateDirectory: StateDirectory,
                              hostname: String = ProcessInfo.processInfo.hostName, now: Date = Date()) throws -> String
    {
        let name = name ?? "to-\(site.name)"
        for value in [dialler, name] {
            if let problem = ResourceName.problem(value) { throw Failure.invalidName(value, problem: problem) }
        }
        guard dialler != site.name else { throw Failure.sameSite(site.name) }
        let access = RouterConfigBuilder.build(site, hostname: hostname).linkAccess
        guard !access.isEmpty else { throw Failure.noLinkAccess(site: site.name) }
        let host = GrantServerPlanning.publicHost(site, bindHost: GrantServerPlanning.defaultBindHost(site), hostname: hostname)
        let pki = SitePKI(stateDirectory: stateDirectory.path)
        let credential = try pki.issueClientCertificate(link: name, site: site.name, to: dialler, now: now)
        // The link verifies the router with the CA of the certificate it serves.
        let pem = ["ca.crt": try pki.servedCA(site.serverCredentials.provided), "tls.crt": try credential.certificatePEM, "tls.key": try credential.keyPEM]
        let endpoints = access.map { "    - name: \($0.role)\n      host: \"\(host)\"\n      port: \"\($0.port)\"" }.joined(separator: "\n")
        let data = SitePKI.linkFiles.map { "  \($0): \(Data(pem[$0]!.utf8).base64EncodedString())" }.joined(separator: "\n")
        return """
            # A link from site \(dialler) to site \(site.name), generated \(ISO8601DateFormatter().string(from: now)).
            # The Secret holds a private key: keep this file out of git and apply it at \(dialler) with
            # skiff link apply FILE --site \(dialler) (revoke-access at \(site.name) ends it).
            apiVersion: skupper.io/v2alpha1
            kind: Link
            metadata:
              name: \(name)
            spec:
              endpoints:
            \(endpoints)
              tlsCredentials: \(name)
              cost: \(cost)
            ---
            apiVersion: v1
            kind: Secret
            type: kubernetes.io/tls
            metadata:
              name: \(name)
            data:
            \(data)

            """
    }
}
