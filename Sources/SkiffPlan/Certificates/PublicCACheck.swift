import Foundation
import SkiffModel
import SkiffPKI

/// Checks the public CAs in git that a site uses (link trust through git, `SiteTrust`): each
/// peer's must be a CA certificate valid now — else an error, since the router could not trust it
/// and the pull request that committed it should not pass — and its own `ca.crt` should be the CA
/// it really has (a warning: the site itself works, but its peers will refuse its links).
public enum PublicCACheck {
    public static func problems(site: DesiredSite, pki: SitePKI, now: Date) -> [Diagnostic] {
        var used = site.trustedPeers
        for link in site.trustedLinks.values.sorted(by: { $0.link < $1.link }) where !used.contains(link.peerCA) { used.append(link.peerCA) }
        var diagnostics = used.compactMap { ca in
            PublicCAInspector.problem(pem: ca.pem, site: ca.site, source: ca.location.file, now: now).map { Diagnostic.error(at: ca.location, $0) }
        }
        if let own = site.publicCA, pki.isCurrentCA(pem: own.pem) == false {
            let serial = pki.inspectCA(now: now).serial ?? "?"
            diagnostics.append(.warning(at: own.location,
                                        "not site \(site.name)'s CA (its CA has serial \(serial)): sites that trust \(site.name) through git will refuse its links; commit the output of skiff site ca --site \(site.name) --output \(site.name)/\(SiteTrust.caFileName)"))
        }
        return diagnostics
    }
}
