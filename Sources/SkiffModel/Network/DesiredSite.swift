/// What the repository says for one site at one commit: its resources, keyed by kind and name.
public struct DesiredSite: Sendable, Hashable {
    public var name: String
    /// Sorted in creation order (kind, then name).
    public var resources: [Resource]
    /// The folder has a Site document that did not validate (so "no Site resource" is not said).
    public var hasInvalidSite = false
    /// `v1` Secrets in the folder: link credentials committed to git (`NetworkChecks` warns).
    public var secrets: [CredentialSecret] = []

    public init(name: String, resources: [Resource]) {
        self.name = name
        self.resources = resources.sorted { $0.id < $1.id }
    }

    public var site: Resource? { resources.first { $0.kind == .site } }

    public var siteSpec: SiteSpec { SiteSpec(site?.spec ?? .object([:])) }

    /// The Secret in git that holds the credentials of `link` (its `spec.tlsCredentials`), if any.
    public func secret(for link: Resource) -> CredentialSecret? {
        let name = LinkSpec(link.spec).tlsCredentials ?? link.name
        return secrets.first { $0.name == name }
    }

    public func resources(of kind: ResourceKind) -> [Resource] {
        resources.filter { $0.kind == kind }
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
