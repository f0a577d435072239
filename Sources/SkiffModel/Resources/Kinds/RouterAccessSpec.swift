/// `RouterAccess.spec`: where this site accepts links.
public struct RouterAccessSpec: Sendable, Hashable {
    public struct Role: Sendable, Hashable {
        public var name: String
        public var port: Int
    }

    /// Skupper's default ports: `inter-router` 55671, `edge` 45671.
    public static let defaultPorts = ["inter-router": 55671, "edge": 45671]

    public var roles: [Role]
    public var bindHost: String
    public var subjectAlternativeNames: [String]
    /// Credentials the router serves links (and grants) with instead of a generated certificate:
    /// a Certificate of the site, or files placed in `pki/certificates/NAME`. With
    /// `generateTlsCredentials` the name is only a label and Skiff generates them, as without.
    public var tlsCredentials: String?
    public var generateTlsCredentials: Bool
    /// The CA that issues the generated server certificate (a signing Certificate, or CA credentials
    /// placed in `pki/certificates/NAME`); nil: the Site's `defaultIssuer`, else the site CA.
    public var issuer: String?

    /// The credentials the router serves, when they are provided rather than generated.
    public var providedCredentials: String? { generateTlsCredentials ? nil : tlsCredentials }

    public init(_ spec: JSONValue) {
        roles = (spec["roles"]?.arrayValue ?? []).map { role in
            let name = role["name"]?.stringValue ?? "inter-router"
            return Role(name: name, port: role["port"]?.intValue ?? Self.defaultPorts[name] ?? 55671)
        }
        bindHost = spec["bindHost"]?.stringValue ?? "0.0.0.0"
        subjectAlternativeNames = (spec["subjectAlternativeNames"]?.arrayValue ?? []).compactMap(\.stringValue)
        tlsCredentials = spec["tlsCredentials"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        generateTlsCredentials = spec["generateTlsCredentials"]?.boolValue ?? false
        let issuer = spec["issuer"]?.stringValue ?? ""
        self.issuer = issuer.isEmpty || issuer == CertificateSpec.siteCA ? nil : issuer
    }
}
