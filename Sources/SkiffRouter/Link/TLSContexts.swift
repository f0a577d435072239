import NIOCore
import NIOSSL
import SkiffNetSupport
import SkiffPKI

/// The TLS set-up of links: TLS 1.3 only, both sides present certificates, each verifies the other.
enum TLSContexts {
    /// How long a closing link waits for the peer's close_notify: a dead peer never sends one.
    static let shutdownTimeout = TimeAmount.seconds(1)

    /// For accepting links: our server certificate (`pki/server`, or provided credentials
    /// `pki/certificates/<credentials>`); clients must chain to the trust bundle or to a peer
    /// site's CA trusted through git (`peers`; which site each may certify is checked after the
    /// handshake, by `LinkTLSHandler`).
    static func server(pki root: String, credentials: String? = nil, peers: [SiteBoundCA] = []) throws -> NIOSSLContext {
        let folder = root + (credentials.map { "/certificates/" + $0 } ?? "/server")
        var configuration = TLSConfiguration.makeServerConfigurationWithMTLS(
            certificateChain: try NIOSSLCertificate.fromPEMFile(folder + "/tls.crt").map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: folder + "/tls.key", format: .pem)),
            trustRoots: .file(root + "/trust/bundle.pem"))
        if !peers.isEmpty {
            configuration.additionalTrustRoots = [.certificates(try peers.map { try NIOSSLCertificate(bytes: Array(try $0.certificate.serializeAsPEM().pemString.utf8), format: .pem) })]
        }
        configuration = TLSPolicy.applied(to: configuration)
        // Client certificates name a link, not a host: check the chain, not a hostname.
        configuration.certificateVerification = .noHostnameVerification
        configuration.shutdownTimeout = shutdownTimeout
        return try NIOSSLContext(configuration: configuration)
    }

    /// For dialling a link: the link's client certificate; the server must chain to the link's CA
    /// and carry the dialled host among its names.
    static func client(credentials folder: String) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(folder + "/tls.crt").map { .certificate($0) }
        configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: folder + "/tls.key", format: .pem))
        configuration.trustRoots = .file(folder + "/ca.crt")
        configuration = TLSPolicy.applied(to: configuration)
        configuration.certificateVerification = .fullVerification
        configuration.shutdownTimeout = shutdownTimeout
        return try NIOSSLContext(configuration: configuration)
    }

    /// SNI and hostname checks take a name; an IP literal is checked against IP SANs instead (nil here).
    static func serverHostname(_ host: String) -> String? {
        TLSServerName.forHost(host)
    }
}
