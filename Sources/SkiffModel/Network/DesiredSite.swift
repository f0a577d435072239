/// What the repository says for one site at one commit: its resources, keyed by kind and name.
public struct DesiredSite: Sendable, Hashable {
    public var name: String
    /// Sorted in creation order (kind, then name).
    public var resources: [Resource]
    /// The folder has a Site document that did not validate (so "no Site resource" is not said).
    public var hasInvalidSite = false
    /// `v1` Secrets in the folder: link credentials committed to git (`NetworkChecks` warns).
    public var secrets: [CredentialSecret] = []
    /// The site's public CA as committed (`<site>/ca.crt`), if it is.
    public var publicCA: PublicCA?
    /// The CAs of the sites this site accepts links from through git (its Site's
    /// `skiff.io/accept-links-from`, each with a `ca.crt` in the repository). Set by `Network.load`.
    public var trustedPeers: [PublicCA] = []
    /// This site's Links trusted through git (`skiff.io/site`), by link name, that validated. Set by `Network.load`.
    public var trustedLinks: [String: TrustedLink] = [:]

    public init(name: String, resources: [Resource]) {
        self.name = name
        // Sorted by key, moving each resource once (comparing whole resources copies them).
        let ids = resources.map(\.id)
        self.resources = ids.indices.sorted { ids[$0] < ids[$1] }.map { resources[$0] }
    }

    public var site: Resource? { resources.first { $0.kind == .site } }

    public var siteSpec: SiteSpec { SiteSpec(site?.spec ?? .object([:])) }

    /// The Secret in git that holds the credentials of `link` (its `spec.tlsCredentials`), if any.
    public func secret(for link: Resource) -> CredentialSecret? {
        let name = LinkSpec(link.spec).tlsCredentials ?? link.name
        return secrets.first { $0.name == name }
    }

    /// The sites named by the Site's `skiff.io/accept-links-from`, in the order written.
    public var acceptsLinksFrom: [String] {
        guard let value = site?.annotations[SiteTrust.acceptLinksFrom] else { return [] }
        return value.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" }).map(String.init)
    }

    public func resources(of kind: ResourceKind) -> [Resource] {
        resources.filter { $0.kind == kind }
    }

    /// How the router gets the certificate it serves links and grants with: provided credentials
    /// (a RouterAccess's `tlsCredentials`), or generated, issued by a RouterAccess's `issuer`, the
    /// Site's `defaultIssuer` or the site CA (nil). One router serves one certificate: when
    /// RouterAccess resources disagree, the first in name order counts (the checks report it).
    public var serverCredentials: ServerCredentials {
        let accesses = resources(of: .routerAccess).map { RouterAccessSpec($0.spec) }
        if let provided = accesses.lazy.compactMap(\.providedCredentials).first { return .provided(provided) }
        return .generated(issuer: accesses.lazy.compactMap(\.issuer).first ?? siteSpec.defaultIssuer)
    }

    /// `host:port` pairs where this site accepts links, from its RouterAccess resources.
    public var linkAccessEndpoints: [(host: String, port: Int)] {
        resources(of: .routerAccess).flatMap { access -> [(host: String, port: Int)] in
            let spec = RouterAccessSpec(access.spec)
            var hosts = spec.subjectAlternativeNames
            if !["0.0.0.0", "::", ""].contains(spec.bindHost) { hosts.append(spec.bindHost) }
            return hosts.flatMap { host in spec.roles.map { (host, $0.port) } }
        }
    }
}

/// Where a router's server certificate (for links and the grant server) comes from.
public enum ServerCredentials: Sendable, Hashable {
    /// `pki/server`, issued by Skiff from CA credentials `issuer` (nil: the site CA).
    case generated(issuer: String?)
    /// `pki/certificates/NAME`, from a Certificate of the site or placed there by hand.
    case provided(String)

    /// The provided credentials' name, if provided.
    public var provided: String? {
        if case .provided(let name) = self { name } else { nil }
    }
}
