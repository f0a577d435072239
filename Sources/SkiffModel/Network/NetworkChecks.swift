import Dispatch
import SkiffSupport

/// Checks that need more than one document: within a site folder and across the whole network.
public enum NetworkChecks {
    public static func check(_ network: Network) -> [Diagnostic] {
        // Sites are checked on every core; the findings keep site order.
        let names = network.siteNames
        let perSite = ParallelResults<[Diagnostic]>(count: names.count)
        DispatchQueue.concurrentPerform(iterations: names.count) { index in
            perSite[index] = checkSite(network.sites[names[index]]!)
        }
        var diagnostics = perSite.values.flatMap { $0 }
        diagnostics += checkLinkEndpoints(network)
        diagnostics += checkRoutingKeys(network)
        return diagnostics
    }

    static func checkSite(_ site: DesiredSite) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        diagnostics += checkSiteResource(site)
        diagnostics += checkDuplicateNames(site)
        diagnostics += checkListenerAddresses(site)
        diagnostics += checkEdge(site)
        diagnostics += checkSelfLinks(site)
        diagnostics += checkSecrets(site)
        diagnostics += checkStrategies(site)
        diagnostics += checkCertificates(site)
        diagnostics += checkServiceTLS(site)
        diagnostics += checkServerCredentials(site)
        return diagnostics
    }

    /// A MultiKeyListener names exactly one strategy (Skupper's CRD rule, which JSON Schema alone
    /// does not state here).
    static func checkStrategies(_ site: DesiredSite) -> [Diagnostic] {
        site.resources(of: .multiKeyListener).compactMap { listener in
            guard MultiKeyListenerSpec(listener.spec).strategy == nil else { return nil }
            return .error(at: listener.location(of: "spec.strategy"), path: "spec.strategy", "exactly one of priority and weighted must be set")
        }
    }

    /// A Secret in git is a private key anyone who reads the repository can use: loud, every time.
    /// One that no Link names is not read at all.
    static func checkSecrets(_ site: DesiredSite) -> [Diagnostic] {
        site.secrets.map { secret in
            let links = site.resources(of: .link).filter { site.secret(for: $0) == secret }.map(\.name)
            guard let link = links.first else {
                return .warning(at: secret.location, "Secret/\(secret.name) is not named by any Link's spec.tlsCredentials; skipped (Skiff reads a Secret only as link credentials)")
            }
            return .warning(at: secret.location, path: "data.tls.key",
                            "KEY MATERIAL IN GIT: Secret/\(secret.name) commits the private key Link/\(link) dials with; anyone who can read this repository can link as site \(site.name). Keep it out of git: skiff link apply FILE --site \(site.name)")
        }
    }

    /// A token issued by this very site would link the site to itself.
    static func checkSelfLinks(_ site: DesiredSite) -> [Diagnostic] {
        site.resources(of: .accessToken).compactMap { token in
            guard token.annotations[GrantingSite.annotation] == site.name else { return nil }
            let path = "metadata.annotations.\(GrantingSite.annotation)"
            return .error(at: token.location(of: path), path: path,
                          "AccessToken \(token.name) was issued by site \(site.name) itself; a site cannot link to itself: "
                              + "commit it into the folder of the site that should link to \(site.name)")
        }
    }

    /// Exactly one Site per folder, named after the folder.
    static func checkSiteResource(_ site: DesiredSite) -> [Diagnostic] {
        let sites = site.resources(of: .site)
        guard let first = sites.first else {
            if site.hasInvalidSite { return [] }
            return [.error(at: SourceLocation(file: "\(site.name)/"), "no Site resource; every site folder needs exactly one")]
        }
        var diagnostics = sites.dropFirst().map {
            Diagnostic.error(at: $0.location, "a second Site in folder \(site.name)/ (the first is at \(first.location))")
        }
        if first.name != site.name {
            diagnostics.append(.error(at: first.location(of: "metadata.name"), path: "metadata.name",
                                      "Site \"\(first.name)\" must be named after its folder, \"\(site.name)\""))
        }
        return diagnostics
    }

    static func checkDuplicateNames(_ site: DesiredSite) -> [Diagnostic] {
        var seen: [ResourceID: Resource] = [:]
        var diagnostics: [Diagnostic] = []
        let inFileOrder = site.resources.sorted {
            ($0.location.file, $0.location.line, $0.location.column) < ($1.location.file, $1.location.line, $1.location.column)
        }
        for resource in inFileOrder {
            if let first = seen[resource.id] {
                if resource.kind != .site {
                    diagnostics.append(.error(at: resource.location(of: "metadata.name"), path: "metadata.name",
                                              "duplicate \(resource.id) in site \(site.name) (first defined at \(first.location))"))
                }
            } else {
                seen[resource.id] = resource
            }
        }
        return diagnostics
    }

    /// Two listeners cannot bind one host:port.
    static func checkListenerAddresses(_ site: DesiredSite) -> [Diagnostic] {
        var seen: [String: Resource] = [:]
        var diagnostics: [Diagnostic] = []
        for listener in site.resources(of: .listener) + site.resources(of: .multiKeyListener) {
            let spec = ListenerSpec(listener.spec)
            let address = HostPort.format(spec.host, spec.port)
            if let first = seen[address] {
                diagnostics.append(.error(at: listener.location(of: "spec.port"), path: "spec.port",
                                          "\(address) is already used by \(first.id) at \(first.location)"))
            } else {
                seen[address] = listener
            }
        }
        return diagnostics
    }

    /// An edge site dials out only; it cannot accept links.
    static func checkEdge(_ site: DesiredSite) -> [Diagnostic] {
        guard let siteResource = site.site, site.siteSpec.edge else { return [] }
        var diagnostics: [Diagnostic] = []
        if site.siteSpec.offersLinkAccess {
            diagnostics.append(.error(at: siteResource.location(of: "spec.linkAccess"), path: "spec.linkAccess",
                                      "an edge site cannot offer link access; remove linkAccess or edge"))
        }
        for access in site.resources(of: .routerAccess) {
            diagnostics.append(.error(at: access.location, "an edge site cannot offer link access; remove this RouterAccess or edge"))
        }
        return diagnostics
    }

    /// A link endpoint no site in the repository offers is legal (the peer may live elsewhere) but worth a warning.
    static func checkLinkEndpoints(_ network: Network) -> [Diagnostic] {
        var offered: Set<String> = []
        for site in network.sites.values {
            for endpoint in site.linkAccessEndpoints { offered.insert(HostPort.format(endpoint.host, endpoint.port)) }
        }
        var diagnostics: [Diagnostic] = []
        for site in network.siteNames.compactMap({ network.sites[$0] }) {
            for link in site.resources(of: .link) {
                for (index, endpoint) in LinkSpec(link.spec).endpoints.enumerated()
                where !offered.contains(HostPort.format(endpoint.host, endpoint.port)) {
                    diagnostics.append(.warning(
                        at: link.location(of: "spec.endpoints[\(index)]"), path: "spec.endpoints[\(index)]",
                        "no site in this repository offers link access at \(HostPort.format(endpoint.host, endpoint.port)) (fine if that site is managed elsewhere)"))
                }
            }
        }
        return diagnostics
    }

    /// A listener whose routing key no connector serves carries nothing.
    static func checkRoutingKeys(_ network: Network) -> [Diagnostic] {
        let served = Set(network.sites.values.flatMap { $0.resources(of: .connector).map { ConnectorSpec($0.spec).routingKey } })
        var diagnostics: [Diagnostic] = []
        for site in network.siteNames.compactMap({ network.sites[$0] }) {
            for listener in site.resources(of: .listener) {
                let key = ListenerSpec(listener.spec).routingKey
                if !served.contains(key) {
                    diagnostics.append(.warning(at: listener.location(of: "spec.routingKey"), path: "spec.routingKey",
                                                "no connector in this repository serves routing key \"\(key)\""))
                }
            }
            for listener in site.resources(of: .multiKeyListener) {
                let keys = MultiKeyListenerSpec(listener.spec).routingKeys
                if !keys.isEmpty, !keys.contains(where: served.contains) {
                    diagnostics.append(.warning(at: listener.location(of: "spec.strategy"), path: "spec.strategy",
                                                "no connector in this repository serves any of its routing keys (\(keys.joined(separator: ", ")))"))
                }
            }
        }
        return diagnostics
    }
}
