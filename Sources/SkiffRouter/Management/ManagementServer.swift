import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SkiffRouterAPI

/// The router's management API: HTTP/1.1 on a Unix socket (0600) in the state directory.
///
/// * `GET /v1/status` — links, listeners and connectors with counters
/// * `GET /v1/config` — the configuration in force
/// * `PUT /v1/config` — apply a whole new configuration (incrementally); answers with the status
///
/// `curl --unix-socket router.sock http://localhost/v1/status` works as a client.
public enum ManagementServer {
    /// Largest request body accepted.
    public static let maxBody = 4 << 20

    /// Serves `router` on `socketPath`; `onConfig` persists each configuration applied through it.
    public static func start(router: Router, socketPath: String, onConfig: @escaping @Sendable (RouterConfig) -> Void) -> EventLoopFuture<Channel> {
        unlink(socketPath)
        return ServerBootstrap(group: router.loop)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(ManagementHandler(router: router, onConfig: onConfig))
                }
            }
            .bind(unixDomainSocketPath: socketPath)
            .map { channel in
                chmod(socketPath, 0o600)
                return channel
            }
    }
}

final class ManagementHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let router: Router
    let onConfig: @Sendable (RouterConfig) -> Void
    private var head: HTTPRequestHead?
    private var keepAlive = true
    private var body = ByteBuffer()
    private var tooLarge = false

    init(router: Router, onConfig: @escaping @Sendable (RouterConfig) -> Void) {
        self.router = router
        self.onConfig = onConfig
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            keepAlive = head.isKeepAlive
            body.clear()
            tooLarge = false
        case .body(var chunk):
            if body.readableBytes + chunk.readableBytes > ManagementServer.maxBody { tooLarge = true } else { body.writeBuffer(&chunk) }
        case .end:
            guard let head else { return }
            respond(context: context, head: head)
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let path = head.uri.split(separator: "?").first.map(String.init) ?? head.uri
        switch (head.method, path) {
        case (.GET, "/v1/status"):
            reply(context, future: router.status().map { .ok($0) })
        case (.GET, "/v1/config"):
            reply(context, future: router.currentConfig().map { .ok($0) })
        case (.PUT, "/v1/config"):
            guard !tooLarge else { return send(context, .status(.payloadTooLarge, "body larger than \(ManagementServer.maxBody) bytes")) }
            let config: RouterConfig
            do {
                config = try JSONDecoder().decode(RouterConfig.self, from: Data(body.readableBytesView))
            } catch {
                return send(context, .status(.badRequest, "not a router configuration: \(error)"))
            }
            let onConfig = self.onConfig
            reply(context, future: router.apply(config).flatMap {
                onConfig(config)
                return self.router.status()
            }.map { .ok($0) })
        case (_, "/v1/status"), (_, "/v1/config"):
            send(context, .status(.methodNotAllowed, "method \(head.method) not allowed on \(path)"))
        default:
            send(context, .status(.notFound, "no such endpoint \(path); try /v1/status or /v1/config"))
        }
    }

    enum Response {
        case json(HTTPResponseStatus, Data)
        static func ok(_ value: some Encodable) -> Response {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return .json(.ok, (try? encoder.encode(value)) ?? Data("{}".utf8))
        }
        static func status(_ status: HTTPResponseStatus, _ message: String) -> Response {
            .json(status, (try? JSONEncoder().encode(["error": message])) ?? Data())
        }
    }

    private func reply(_ context: ChannelHandlerContext, future: EventLoopFuture<Response>) {
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        future.hop(to: context.eventLoop).whenComplete { result in
            switch result {
            case .success(let response): self.send(bound.value, response)
            case .failure(let error): self.send(bound.value, .status(.internalServerError, "\(error)"))
            }
        }
    }

    private func send(_ context: ChannelHandlerContext, _ response: Response) {
        guard case .json(let status, let data) = response else { return }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(data.count + 1))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: data.count + 1)
        buffer.writeBytes(data)
        buffer.writeString("\n")
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let keepAlive = self.keepAlive
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { bound.value.close(promise: nil) }
        }
    }
}
