import NIOSSL

/// The one TLS policy of every Skiff connection — links, the grant server, redemption: TLS 1.3 only
/// (no downgrade to suites or handshakes older sites might offer). Callers add what differs: who
/// must present a certificate and what is verified.
public enum TLSPolicy {
    public static func applied(to configuration: TLSConfiguration) -> TLSConfiguration {
        var configuration = configuration
        configuration.minimumTLSVersion = .tlsv13
        configuration.maximumTLSVersion = .tlsv13
        return configuration
    }
}
