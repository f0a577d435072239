/// The kinds of resource Skiff reads, in the order a site's plan creates them: the site first,
/// then the certificates what follows may name, then the access others need to reach it, then
/// links, then the services on top.
public enum ResourceKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case site = "Site"
    case certificate = "Certificate"
    case routerAccess = "RouterAccess"
    case accessGrant = "AccessGrant"
    case accessToken = "AccessToken"
    case link = "Link"
    case connector = "Connector"
    case listener = "Listener"
    case multiKeyListener = "MultiKeyListener"

    /// `apiVersion` of every Skiff (and Skupper v2) resource.
    public static let apiVersion = "skupper.io/v2alpha1"

    /// `Schemas/<file>`.
    public var schemaFileName: String { "\(rawValue.lowercased()).schema.json" }

    /// Creation order; deletion runs the other way.
    public var order: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool { lhs.order < rhs.order }

    /// Fields under `spec` whose values are secrets: never printed in plans, errors or logs.
    public var sensitiveSpecFields: Set<String> {
        switch self {
        case .accessGrant, .accessToken: ["code"]
        default: []
        }
    }
}
