/// `Certificate.spec`: a certificate the site issues and keeps (`pki/certificates/NAME`).
public struct CertificateSpec: Sendable, Hashable {
    /// The name by which Skupper calls a site's own CA, and so does `spec.ca`.
    public static let siteCA = "skupper-site-ca"

    /// The CA that signs it: nil for the site's own (`skupper-site-ca` or empty), else the name of a
    /// signing Certificate at the site (or CA credentials placed in `pki/certificates/NAME`).
    public var ca: String?
    public var subject: String
    public var hosts: [String]
    public var client: Bool
    public var server: Bool
    /// A CA of its own (self-signed, as Skupper makes them), which may sign the site's other Certificates.
    public var signing: Bool

    public init(_ spec: JSONValue) {
        let ca = spec["ca"]?.stringValue ?? ""
        self.ca = ca.isEmpty || ca == Self.siteCA ? nil : ca
        subject = spec["subject"]?.stringValue ?? ""
        hosts = (spec["hosts"]?.arrayValue ?? []).compactMap(\.stringValue)
        client = spec["client"]?.boolValue ?? false
        server = spec["server"]?.boolValue ?? false
        signing = spec["signing"]?.boolValue ?? false
    }

    /// Whether there is anything to issue: a CA, or a certificate for a client or a server.
    public var issuesSomething: Bool { signing || client || server }
}
