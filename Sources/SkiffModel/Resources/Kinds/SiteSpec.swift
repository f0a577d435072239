/// `Site.spec`: the site itself.
public struct SiteSpec: Sendable, Hashable {
    public var linkAccess: String?
    public var edge: Bool
    public var settings: [String: String]
    /// The CA that issues the router's server certificate unless a RouterAccess names its own
    /// `issuer` (a signing Certificate, or CA credentials placed in `pki/certificates/NAME`); nil:
    /// the site CA (`skupper-site-ca`).
    public var defaultIssuer: String?

    public init(_ spec: JSONValue) {
        linkAccess = spec["linkAccess"]?.stringValue
        edge = spec["edge"]?.boolValue ?? false
        settings = spec["settings"]?.stringMap ?? [:]
        let issuer = spec["defaultIssuer"]?.stringValue ?? ""
        defaultIssuer = issuer.isEmpty || issuer == CertificateSpec.siteCA ? nil : issuer
    }

    /// Whether other sites may link here: any `linkAccess` but empty or `none`.
    public var offersLinkAccess: Bool {
        guard let linkAccess, !linkAccess.isEmpty else { return false }
        return linkAccess != "none"
    }
}
