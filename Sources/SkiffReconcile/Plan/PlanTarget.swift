import SkiffModel

/// What a plan action acts on: a resource from git, or a certificate the site needs.
public enum PlanTarget: Sendable, Hashable, Comparable, CustomStringConvertible {
    case certificate(CertificateRole)
    case resource(ResourceID)

    /// `Certificate` or the resource kind (`Listener`).
    public var kind: String {
        switch self {
        case .certificate: "Certificate"
        case .resource(let id): id.kind.rawValue
        }
    }

    public var name: String {
        switch self {
        case .certificate(let role): role.rawValue
        case .resource(let id): id.name
        }
    }

    /// `Certificate/site-ca`, `Listener/backend`.
    public var description: String { "\(kind)/\(name)" }

    /// Certificates come first (the CA before what it signs), then resources in their order.
    public static func < (lhs: PlanTarget, rhs: PlanTarget) -> Bool {
        switch (lhs, rhs) {
        case (.certificate(let a), .certificate(let b)): a.order < b.order
        case (.certificate, .resource): true
        case (.resource, .certificate): false
        case (.resource(let a), .resource(let b)): a < b
        }
    }
}

/// The certificates a site holds for itself.
public enum CertificateRole: String, Sendable, Hashable, CaseIterable {
    /// The site's private CA (`pki/ca`).
    case siteCA = "site-ca"
    /// The router's server certificate for inbound links (`pki/server`).
    case routerServer = "router-server"

    var order: Int { self == .siteCA ? 0 : 1 }
}
