import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The daemon's HTTP endpoints, on loopback by default:
///
/// * `GET /healthz` — 200 while the daemon runs
/// * `GET /readyz` — 200 once a commit that validates has been applied, else 503
/// * `GET /metrics` — Prometheus text
/// * `GET /api/v1/status` — the JSON of `skiff status`, with the daemon's own state
/// * `POST /hooks/git` — run a cycle now (HMAC-checked when a secret is set)
public enum DaemonHTTPServer {
    public static let maxBody = 1 << 20

    public static func start(daemon: Daemon, host: String, port: Int, group: EventLoopGroup,
                             metrics: @escaping @Sendable () -> String) -> EventLoopFuture<Channel>
    {
        ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(DaemonHTTPHandler(daemon: daemon, metrics: metrics))
                }
            }
            .bind(host: host, port: port)
    }

    /// Whether `signature` (`sha256=<hex>`) is the HMAC-SHA256 of `body` under `secret`, compared in constant time.
    static func verify(signature: String?, body: [UInt8], secret: String) -> Bool {
        guard let signature, signature.hasPrefix("sha256="), let mac = hex(String(signature.dropFirst(7))) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: SymmetricKey(data: Array(secret.utf8)))
    }

    static func hex(_ text: String) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}

final class DaemonHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let daemon: Daemon
    let metrics: @Sendable () -> String
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false

    init(daemon: Daemon, metrics: @escaping @Sendable () -> String) {
        self.daemon = daemon
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
            tooLarge = false
        case .body(let chunk):
            if body.count + chunk.readableBytes > DaemonHTTPServer.maxBody { tooLarge = true } else { body += chunk.readableBytesView }
        case .end:
            guard let head else { return }
            let (status, type, text) = respond(head)
            send(context, status, type, text, keepAlive: head.isKeepAlive)
        }
    }

    private func respond(_ head: HTTPRequestHead) -> (HTTPResponseStatus, String, String) {
        let path = head.uri.split(separator: "?").first.map(String.init) ?? head.uri
        switch (head.method, path) {
        case (.GET, "/healthz"):
            return (.ok, "text/plain", "ok\n")
        case (.GET, "/readyz"):
            let state = daemon.snapshot
            return state.ready ? (.ok, "text/plain", "ready\n") : (.serviceUnavailable, "text/plain", "not ready: \(state.lastError ?? "no commit applied yet")\n")
        case (.GET, "/metrics"):
            return (.ok, "text/plain; version=0.0.4", metrics())
        case (.GET, "/api/v1/status"):
            return (.ok, "application/json", statusJSON())
        case (.POST, "/hooks/git"):
            if tooLarge { return (.payloadTooLarge, "text/plain", "body too large\n") }
            if let secret = daemon.options.webhookSecret,
               !DaemonHTTPServer.verify(signature: head.headers.first(name: "X-Hub-Signature-256"), body: body, secret: secret)
            {
                return (.unauthorized, "text/plain", "bad or missing X-Hub-Signature-256\n")
            }
            daemon.trigger()
            return (.accepted, "text/plain", "reconciling\n")
        case (_, "/healthz"), (_, "/readyz"), (_, "/metrics"), (_, "/api/v1/status"), (_, "/hooks/git"):
            return (.methodNotAllowed, "text/plain", "method not allowed\n")
        default:
            return (.notFound, "text/plain", "not found\n")
        }
    }

    private func statusJSON() -> String {
        let options = daemon.options
        let site = (try? SiteStatusReport.read(site: options.site, stateDirectory: options.stateDirectory).render(.json)) ?? "null"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let state = (try? encoder.encode(daemon.snapshot)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        return "{\"daemon\": \(state), \"site\": \(site)}\n"
    }

    private func send(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ type: String, _ text: String, keepAlive: Bool) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { bound.value.close(promise: nil) }
        }
    }
}
