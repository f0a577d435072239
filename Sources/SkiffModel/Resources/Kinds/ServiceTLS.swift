/// How a Listener, MultiKeyListener or Connector speaks TLS to its application: the credentials it
/// names (`spec.tlsCredentials`, a folder `pki/certificates/NAME` at the site, from a Certificate
/// or placed there by hand) and how it uses them. Nil for plain TCP.
///
/// A listener terminates TLS with the credentials' `tls.crt` and `tls.key`; with
/// `clientCertificate` (a MultiKeyListener's `requireClientCert`) clients must present a
/// certificate that chains to their `ca.crt`. A connector speaks TLS to its backend and trusts the
/// backend's certificate when it chains to `ca.crt`; with `clientCertificate` (`useClientCert`) it
/// presents `tls.crt` and `tls.key`, and with `verifyHostname` the backend's certificate must name
/// the host dialled — as Skupper configures its router's TLS profiles.
public struct ServiceTLS: Sendable, Hashable {
    public var credentials: String
    public var clientCertificate: Bool
    public var verifyHostname: Bool

    public init?(_ resource: Resource) {
        guard let name = resource.spec["tlsCredentials"]?.stringValue, !name.isEmpty else { return nil }
        credentials = name
        switch resource.kind {
        case .connector:
            clientCertificate = resource.spec["useClientCert"]?.boolValue ?? false
            verifyHostname = resource.spec["verifyHostname"]?.boolValue ?? false
        case .multiKeyListener:
            clientCertificate = resource.spec["requireClientCert"]?.boolValue ?? false
            verifyHostname = false
        default:
            clientCertificate = false
            verifyHostname = false
        }
    }

    /// Which files of the credentials a resource of `kind` reads (`tls.crt`, `tls.key`, `ca.crt`).
    public func files(for kind: ResourceKind) -> [String] {
        switch kind {
        case .connector: clientCertificate ? ["ca.crt", "tls.crt", "tls.key"] : ["ca.crt"]
        default: clientCertificate ? ["tls.crt", "tls.key", "ca.crt"] : ["tls.crt", "tls.key"]
        }
    }
}
