import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One HTTP/1.1 server bootstrap for the servers that answer people (the daemon's endpoints, the
/// console): `HTTPExchangeHandler` per connection, TLS first when a context is given.
public enum HTTPServer {
    public static func start(host: String, port: Int, group: EventLoopGroup, tls: NIOSSLContext? = nil, maxBody: Int,
                             respond: @escaping HTTPExchangeHandler.Respond) -> EventLoopFuture<Channel>
    {
        ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tls { try sync.addHandler(NIOSSLServerHandler(context: tls)) }
                    try sync.configureHTTPServerPipeline()
                    try sync.addHandler(HTTPExchangeHandler(maxBody: maxBody, tooLarge: .text(.payloadTooLarge, "body too large\n"), respond: respond))
                }
            }
            .bind(host: host, port: port)
    }

    /// A server TLS context (TLS 1.3, `TLSPolicy`) from a PEM certificate chain and key; clients present none.
    public static func tlsContext(certificateFile: String, keyFile: String) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem)))
        configuration = TLSPolicy.applied(to: configuration)
        return try NIOSSLContext(configuration: configuration)
    }
}
