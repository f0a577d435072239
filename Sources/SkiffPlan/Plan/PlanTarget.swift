import SkiffModel

/// What a plan action acts on: a resource from git, or a certificate the site needs.
public enum PlanTarget: Sendable, Hashable, Comparable, CustomStringConvertible {
    case certificate(CertificateRole)
    /// The credentials a `Certificate` resource of this name issues (`pki/certificates/<name>/`).
    case credentials(String)
    case resource(ResourceID)
    /// Link credentials of this name written from a Secret in git (`pki/links/<name>/`).
    case linkCredentials(String)
    /// Redeeming the AccessToken of this name for link credentials.
    case redemption(String)
    /// The site's router process and its configuration.
    case router(site: String)

    /// `Certificate` or the resource kind (`Listener`).
    public var kind: String {
        switch self {
        case .certificate: "Certificate"
        case .credentials: "Credentials"
        case .resource(let id): id.kind.rawValue
        case .linkCredentials: "LinkCredentials"
        case .redemption: "Redemption"
        case .router: "Router"
        }
    }

    public var name: String {
        switch self {
        case .certificate(let role): role.rawValue
        case .credentials(let name): name
        case .resource(let id): id.name
        case .linkCredentials(let name): name
        case .redemption(let name): name
        case .router(let site): site
        }
    }

    /// The resource kind, for resource targets.
    var resourceKind: ResourceKind? {
        if case .resource(let id) = self { return id.kind }
        return nil
    }

    /// `Certificate/site-ca`, `Listener/backend`.
    public var description: String { "\(kind)/\(name)" }

    /// Certificates come first (the CA before what it signs), then the credentials of Certificate
    /// resources (in the order planned: CAs before what they sign), then resources in their order, then
    /// link credentials from git and token redemptions (which create links), then the router,
    /// which serves them all.
    public static func < (lhs: PlanTarget, rhs: PlanTarget) -> Bool {
        switch (lhs, rhs) {
        case (.certificate(let a), .certificate(let b)): a.order < b.order
        case (.credentials, .credentials): false
        case (.resource(let a), .resource(let b)): a < b
        case (.linkCredentials(let a), .linkCredentials(let b)): a < b
        case (.redemption(let a), .redemption(let b)): a < b
        default: lhs.rank < rhs.rank
        }
    }

    private var rank: Int {
        switch self {
        case .certificate: 0
        case .credentials: 1
        case .resource: 2
        case .linkCredentials: 3
        case .redemption: 4
        case .router: 5
        }
    }
}

/// The certificates a site holds for itself.
public enum CertificateRole: String, Sendable, Hashable, CaseIterable {
    /// The site's private CA (`pki/ca`).
    case siteCA = "site-ca"
    /// The CAs whose certificates inbound links may present (`pki/trust/bundle.pem`).
    case trustBundle = "trust-bundle"
    /// The router's server certificate for inbound links (`pki/server`).
    case routerServer = "router-server"

    var order: Int {
        switch self {
        case .siteCA: 0
        case .trustBundle: 1
        case .routerServer: 2
        }
    }
}
