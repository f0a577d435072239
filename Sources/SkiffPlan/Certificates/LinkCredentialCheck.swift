import Foundation
import SkiffModel
import SkiffPKI

/// Checks the client credentials of every Link the site dials (`pki/links/<tlsCredentials>/`).
/// They come from redeeming a token or from the user; Skiff cannot make them itself, so faults are
/// reported, not planned, each naming the file. They are warnings: a damaged or expired credential
/// keeps that one link down (the router says why), and must not stop the rest of the site — nor
/// a daemon's drift repair — from applying.
public enum LinkCredentialCheck {
    /// A missing folder that an AccessToken of the same name in git will fill is not reported:
    /// redeeming it is planned.
    public static func problems(site: DesiredSite, pki: SitePKI, now: Date) -> [Diagnostic] {
        let tokens = Set(site.resources(of: .accessToken).map(\.name))
        return site.resources(of: .link).flatMap { link -> [Diagnostic] in
            // A link trusted through git: Skiff makes and repairs its credentials (TrustedLinkPlanning).
            if site.trustedLinks[link.name] != nil { return [] }
            let name = LinkSpec(link.spec).tlsCredentials ?? link.name
            let report = pki.inspectLink(name, now: now)
            if report.isMissing {
                // Filled by redeeming the token, or written from the Secret in git: both planned.
                if tokens.contains(name) || site.secret(for: link) != nil { return [] }
                return [.warning(at: link.location(of: "spec.tlsCredentials"), path: "spec.tlsCredentials",
                                 "Link/\(link.name) has no credentials in \(report.folder) yet; redeem an AccessToken or put tls.crt, tls.key and ca.crt there")]
            }
            return report.problems.map { problem in
                .warning(at: SourceLocation(file: problem.path),
                         "credentials of Link/\(link.name): \(problem.description.dropPrefix(problem.path + ": ")); the link stays down until they are replaced (redeem a fresh token)")
            }
        }
    }
}

extension String {
    package func dropPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
