/// Resolves link trust through git across the whole network (`SiteTrust`): which CAs each site
/// accepts links from, and where each trusted Link dials. Everything it refuses is an error that
/// names the file, line and annotation to change, so a pull request that cannot link fails in CI.
enum SiteTrustResolver {
    static func resolve(_ network: inout Network) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for name in network.siteNames {
            let (peers, problems) = trustedPeers(of: network.sites[name]!, in: network)
            network.sites[name]!.trustedPeers = peers
            diagnostics += problems
        }
        for name in network.siteNames {
            let site = network.sites[name]!
            for link in site.resources(of: .link) where link.annotations[SiteTrust.linkedSite] != nil {
                switch trustedLink(link, of: site, in: network) {
                case .success(let trusted): network.sites[name]!.trustedLinks[link.name] = trusted
                case .failure(let problem): diagnostics.append(problem.diagnostic)
                }
            }
        }
        return diagnostics
    }

    /// The CAs of the sites `site` accepts links from; each name must be another site of the
    /// repository with its `ca.crt` committed.
    private static func trustedPeers(of site: DesiredSite, in network: Network) -> ([PublicCA], [Diagnostic]) {
        guard let resource = site.site, !site.acceptsLinksFrom.isEmpty else { return ([], []) }
        let path = SiteTrust.annotationPath(SiteTrust.acceptLinksFrom)
        let location = resource.location(of: path)
        var peers: [PublicCA] = []
        var diagnostics: [Diagnostic] = []
        for peer in site.acceptsLinksFrom {
            if peer == site.name {
                diagnostics.append(.error(at: location, path: path, "site \(site.name) names itself; a site cannot link to itself"))
            } else if let problem = ResourceName.problem(peer) {
                diagnostics.append(.error(at: location, path: path, "\"\(peer)\" is not a site name: \(problem)"))
            } else if network.sites[peer] == nil {
                diagnostics.append(.error(at: location, path: path, "no site \(peer) in this repository (a site outside it links with a token: skiff grant create)"))
            } else if let ca = network.sites[peer]?.publicCA {
                peers.append(ca)
            } else {
                diagnostics.append(.error(at: location, path: path, "site \(peer) has no public CA in git: commit it with skiff site ca --site \(peer) --output \(peer)/\(SiteTrust.caFileName)"))
            }
        }
        return (peers, diagnostics)
    }

    private struct Problem: Error {
        var diagnostic: Diagnostic
    }

    private static func trustedLink(_ link: Resource, of site: DesiredSite, in network: Network) -> Result<TrustedLink, Problem> {
        let path = SiteTrust.annotationPath(SiteTrust.linkedSite)
        func refuse(_ message: String, at field: String = path) -> Result<TrustedLink, Problem> {
            .failure(Problem(diagnostic: .error(at: link.location(of: field), path: field, "Link/\(link.name): \(message)")))
        }
        let peerName = link.annotations[SiteTrust.linkedSite] ?? ""
        guard peerName != site.name else { return refuse("names its own site \(site.name); a site cannot link to itself") }
        guard let peer = network.sites[peerName] else {
            return refuse("no site \"\(peerName)\" in this repository (a site outside it links with a token: skiff token redeem)")
        }
        let spec = LinkSpec(link.spec)
        if spec.tlsCredentials != nil {
            return refuse("a link trusted through git dials with a certificate of this site's own CA; remove spec.tlsCredentials (or the \(SiteTrust.linkedSite) annotation)",
                          at: "spec.tlsCredentials")
        }
        guard let peerCA = peer.publicCA else {
            return refuse("site \(peerName) has no public CA in git: commit it with skiff site ca --site \(peerName) --output \(peerName)/\(SiteTrust.caFileName)")
        }
        guard peer.acceptsLinksFrom.contains(site.name) else {
            let at = peer.site.map { " on Site \(peerName) (\($0.location.file))" } ?? ""
            return refuse("site \(peerName) does not accept links from \(site.name): add \(site.name) to \(SiteTrust.acceptLinksFrom)\(at)")
        }
        guard site.publicCA != nil else {
            return refuse("site \(site.name) has no public CA in git, so \(peerName) cannot trust it: commit it with skiff site ca --site \(site.name) --output \(site.name)/\(SiteTrust.caFileName)")
        }
        guard !peer.siteSpec.edge else { return refuse("site \(peerName) is an edge site; edge sites accept no links") }
        // The dialler verifies the peer's server against the peer's CA from git: a server
        // certificate of another CA would never verify.
        if peer.serverCredentials != .generated(issuer: nil) {
            return refuse("site \(peerName) serves a certificate its own CA did not issue (RouterAccess tlsCredentials or issuer, or a defaultIssuer); a link trusted through git verifies it against \(peerName)/\(SiteTrust.caFileName): link with a token instead")
        }
        return .success(TrustedLink(link: link.name, peer: peerName, peerCA: peerCA))
    }
}
