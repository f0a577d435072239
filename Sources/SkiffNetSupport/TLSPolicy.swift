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

    /// What a TLS handler keeps of its output buffer after a flush: swift-nio-ssl otherwise keeps
    /// the largest it ever grew to, for the connection's life, so one burst (a link sending a few
    /// megabytes between two flushes) would stay allocated as long as the link stays up. Beyond
    /// `bytes`, the buffer is dropped after the flush and a right-sized one made for the next write.
    public static func handler(keepingOutputBuffer bytes: Int) -> NIOSSLHandler.Configuration {
        var configuration = NIOSSLHandler.Configuration()
        configuration.maximumPreservedOutboundBufferCapacity = bytes
        return configuration
    }

    /// A link's: several TLS records (16 KiB each) of one flush, about what its socket may queue.
    public static let linkHandler = handler(keepingOutputBuffer: 256 << 10)
    /// An application flow's: there may be thousands, each usually small.
    public static let flowHandler = handler(keepingOutputBuffer: 64 << 10)
}
