import SkiffAccess
import SkiffModel
import SkiffPKI
import SkiffRouterAPI

/// The router configuration a site's desired state calls for.
public enum RouterConfigBuilder {
    /// Skupper's default link access, used when a Site asks for link access without a RouterAccess.
    static let defaultAccess = [RouterConfig.LinkAccess(role: "inter-router", host: "0.0.0.0", port: 55671),
                                RouterConfig.LinkAccess(role: "edge", host: "0.0.0.0", port: 45671)]

    /// The configuration for `site`; `tokens` adds the links its redeemed tokens create; `hostname`
    /// is this machine's name, the grant server's public host when nothing better is set.
    /// `credentials` (what is in `pki/certificates/`) stamps each TLS binding with the serials of
    /// its files, so a renewed certificate reaches the router.
    public static func build(_ site: DesiredSite, tokens: TokenLedger = TokenLedger(), credentials: [String: IssuedCredentials] = [:],
                             hostname: String) -> RouterConfig
    {
        var access = site.resources(of: .routerAccess).flatMap { resource -> [RouterConfig.LinkAccess] in
            let spec = RouterAccessSpec(resource.spec)
            return spec.roles.map { RouterConfig.LinkAccess(role: $0.name, host: spec.bindHost, port: $0.port) }
        }
        if access.isEmpty, site.siteSpec.offersLinkAccess, !site.siteSpec.edge { access = defaultAccess }
        let role = site.siteSpec.edge ? "edge" : "inter-router"
        let links = site.resources(of: .link).compactMap { resource -> RouterConfig.Link? in
            let spec = LinkSpec(resource.spec)
            // Dial the endpoint for our role; Skupper lists inter-router and edge endpoints.
            guard let endpoint = spec.endpoints.first(where: { $0.name == role }) ?? spec.endpoints.first else { return nil }
            return RouterConfig.Link(name: resource.name, host: endpoint.host, port: endpoint.port, cost: spec.cost,
                                     credentials: spec.tlsCredentials ?? resource.name)
        }
        var config = RouterConfig(
            site: site.name, edge: site.siteSpec.edge, linkAccess: access, links: links + TokenPlanning.links(site: site, ledger: tokens),
            listeners: site.resources(of: .listener).map { binding($0, credentials) }
                + site.resources(of: .multiKeyListener).compactMap { multiKeyBinding($0, credentials) },
            connectors: site.resources(of: .connector).map { binding($0, credentials) })
        config.grantServer = GrantServerPlanning.config(for: site, linkAccess: access, hostname: hostname)
        config.serverCredentials = site.serverCredentials.provided
        config.grantServer?.serverCredentials = config.serverCredentials
        config.peerCAs = site.trustedPeers.map { PeerCA(site: $0.site, pem: $0.pem) }
        return config
    }

    /// A MultiKeyListener is a listener whose key its strategy picks; `routingKey` names the first.
    private static func multiKeyBinding(_ resource: Resource, _ credentials: [String: IssuedCredentials]) -> RouterConfig.Binding? {
        let spec = MultiKeyListenerSpec(resource.spec)
        let strategy: KeyStrategy
        switch spec.strategy {
        case .priority(let keys)?: strategy = .priority(keys)
        case .weighted(let weights)?: strategy = .weighted(weights.map { KeyStrategy.WeightedKey(routingKey: $0.routingKey, weight: $0.weight) })
        case nil: return nil
        }
        return RouterConfig.Binding(name: resource.name, routingKey: strategy.routingKeys.first ?? "", host: spec.host, port: spec.port,
                                    strategy: strategy, tls: tls(resource, credentials))
    }

    private static func binding(_ resource: Resource, _ credentials: [String: IssuedCredentials]) -> RouterConfig.Binding {
        let spec = RoutingKeyAddress(resource.spec)
        return RouterConfig.Binding(name: resource.name, routingKey: spec.routingKey, host: spec.host, port: spec.port,
                                    tls: tls(resource, credentials))
    }

    /// The binding's TLS, its revision the serials of the credentials' certificate and CA as found.
    private static func tls(_ resource: Resource, _ credentials: [String: IssuedCredentials]) -> RouterConfig.ApplicationTLS? {
        guard let tls = ServiceTLS(resource) else { return nil }
        let found = credentials[tls.credentials]
        let revision = found.map { [$0.report.serial, $0.caSerial].map { $0 ?? "-" }.joined(separator: "/") }
        return RouterConfig.ApplicationTLS(credentials: tls.credentials, clientCertificate: tls.clientCertificate,
                                           verifyHostname: tls.verifyHostname, revision: revision)
    }

    /// What differs between two configurations, in a few words:
    /// `listener metrics missing, listener backend differs, connector old not in git`.
    /// The difference a new TLS revision makes (the router must load new certificates or trust).
    public static let certificatesRenewed = "certificates renewed"

    public static func differences(from live: RouterConfig, to desired: RouterConfig) -> [String] {
        var changes: [String] = []
        func compare<T: Equatable>(_ noun: String, _ old: [T], _ new: [T], name: (T) -> String) {
            let oldByName = Dictionary(old.map { (name($0), $0) }, uniquingKeysWith: { first, _ in first })
            let newByName = Dictionary(new.map { (name($0), $0) }, uniquingKeysWith: { first, _ in first })
            for key in Set(oldByName.keys).union(newByName.keys).sorted() {
                switch (oldByName[key], newByName[key]) {
                case (nil, _?): changes.append("\(noun) \(key) missing")
                case (_?, nil): changes.append("\(noun) \(key) not in git")
                case let (a?, b?) where a != b: changes.append("\(noun) \(key) differs")
                default: break
                }
            }
        }
        compare("link access", live.linkAccess, desired.linkAccess) { "\($0.role)" }
        compare("link", live.links, desired.links) { $0.name }
        compare("listener", live.listeners, desired.listeners) { $0.name }
        compare("connector", live.connectors, desired.connectors) { $0.name }
        if live.site != desired.site { changes.append("site name differs") }
        if live.edge != desired.edge { changes.append(desired.edge ? "becomes an edge site" : "becomes an interior site") }
        if live.tuning != desired.tuning { changes.append("tuning differs") }
        if live.tlsRevision != desired.tlsRevision { changes.append(certificatesRenewed) }
        if live.grantServer != desired.grantServer { changes.append("grant server differs") }
        if live.peerCAs != desired.peerCAs {
            let before = Set(live.peerCAs.map(\.site)), after = Set(desired.peerCAs.map(\.site))
            let added = after.subtracting(before).sorted(), removed = before.subtracting(after).sorted()
            var words = added.map { "accepts links from \($0)" } + removed.map { "no longer accepts links from \($0)" }
            if words.isEmpty { words = ["a trusted site's CA changed"] }
            changes += words
        }
        return changes
    }
}
