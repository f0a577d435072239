import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SkiffAccess
import SkiffNetSupport
import SkiffPKI

/// Redeems a token: one HTTPS POST (TLS 1.3, the server verified against the token's CA and the
/// URL's host), no redirects followed, the whole exchange bounded in time and size.
public enum RedemptionClient {
    /// The token's parts that redemption uses.
    public struct Token: Sendable, Hashable {
        public var url: String
        public var code: String
        public var ca: String

        public init(url: String, code: String, ca: String) {
            self.url = url
            self.code = code
            self.ca = ca
        }
    }

    public static let timeout = TimeAmount.seconds(10)
    /// Largest response accepted (credentials are a few KiB).
    public static let maxResponse = 256 << 10

    /// Redeems `token` for the link `link` of site `site`; waits for the answer (at most `timeout`).
    public static func redeem(_ token: Token, site: String, link: String, timeout: TimeAmount = timeout) throws -> RedemptionResponse {
        try redeemFuture(token, site: site, link: link, timeout: timeout).wait()
    }

    public static func redeemFuture(_ token: Token, site: String, link: String, timeout: TimeAmount = timeout,
                                    group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) -> EventLoopFuture<RedemptionResponse>
    {
        let loop = group.next()
        let prepared: Prepared
        do {
            prepared = try prepare(token, site: site, link: link)
        } catch {
            return loop.makeFailedFuture(error)
        }
        let (target, context, body) = (prepared.target, prepared.context, prepared.body)
        let promise = loop.makePromise(of: RedemptionResponse.self)
        let collector = ResponseCollector(promise: promise, url: token.url)
        let deadline = loop.scheduleTask(in: timeout) {
            collector.fail(AccessError.unreachable(url: token.url, message: "no answer within \(timeout.nanoseconds / 1_000_000_000) s"))
        }
        let connection = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLClientHandler(context: context, serverHostname: target.sniHost))
                    try sync.addHTTPClientHandlers()
                    try sync.addHandler(collector)
                }
            }
            .connect(host: target.host, port: target.port)
        connection.whenFailure { error in
            collector.fail(AccessError.unreachable(url: token.url, message: SocketErrorText.connect(error, address: target.authority)))
        }
        connection.whenSuccess { channel in
            var headers = HTTPHeaders([("Host", target.authority), ("Content-Type", "application/json"),
                                       ("Content-Length", "\(body.count)"), ("Connection", "close")])
            headers.add(name: "User-Agent", value: "skiff")
            channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: target.path, headers: headers)),
                          promise: nil)
            channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: body))), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
        promise.futureResult.whenComplete { _ in deadline.cancel() }
        return promise.futureResult
    }

    /// What a redemption needs before it dials, each part checked: where to, whom to trust, what to send.
    struct Prepared {
        var target: Target
        var context: NIOSSLContext
        var body: Data
    }

    /// Reads `token` (its URL and CA) into what `redeemFuture` dials with; throws what is wrong with it.
    static func prepare(_ token: Token, site: String, link: String) throws -> Prepared {
        Prepared(target: try Target(token.url), context: try tlsContext(ca: token.ca, url: token.url),
                 body: try JSONEncoder().encode(RedemptionRequest(code: token.code, site: site, link: link)))
    }

    static func tlsContext(ca: String, url: String) throws -> NIOSSLContext {
        let roots: [NIOSSLCertificate]
        do {
            roots = try NIOSSLCertificate.fromPEMBytes(Array(ca.utf8))
        } catch {
            throw AccessError.unreachable(url: url, message: "the token's ca is not a PEM certificate")
        }
        guard !roots.isEmpty else { throw AccessError.unreachable(url: url, message: "the token's ca holds no certificate") }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(roots)
        configuration = TLSPolicy.applied(to: configuration)
        configuration.certificateVerification = .fullVerification
        return try NIOSSLContext(configuration: configuration)
    }

    /// Host, port and path of an `https://` URL.
    struct Target {
        var host: String
        var port: Int
        var path: String
        var authority: String

        init(_ url: String) throws {
            guard let components = URLComponents(string: url), components.scheme == "https", let host = components.host, !host.isEmpty
            else { throw AccessError.unreachable(url: url, message: "not an https:// URL") }
            self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
            let port = components.port ?? 443
            self.port = port
            path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            authority = "\(components.percentEncodedHost ?? host):\(port)"
        }

        var sniHost: String? { TLSServerName.forHost(host) }
    }
}

/// Reads one HTTP response (bounded) and turns it into a redemption or a refusal.
final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<RedemptionResponse>
    private let url: String
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()

    private var done = false

    init(promise: EventLoopPromise<RedemptionResponse>, url: String) {
        self.promise = promise
        self.url = url
    }

    /// The first outcome wins: a deadline, a refused connection and a late answer may all arrive.
    func fail(_ error: Error) {
        guard !done else { return }
        done = true
        promise.fail(error)
    }

    private func succeed(_ response: RedemptionResponse) {
        guard !done else { return }
        done = true
        promise.succeed(response)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body(var chunk):
            guard body.readableBytes + chunk.readableBytes <= RedemptionClient.maxResponse else {
                fail(AccessError.unreachable(url: url, message: "the answer is larger than \(RedemptionClient.maxResponse) bytes"))
                return
            }
            body.writeBuffer(&chunk)
        case .end:
            finish()
        }
    }

    private func finish() {
        guard let head else { return fail(AccessError.unreachable(url: url, message: "no HTTP answer")) }
        let data = Data(body.readableBytesView)
        switch head.status.code {
        case 200:
            guard let response = try? JSONDecoder().decode(RedemptionResponse.self, from: data) else {
                return fail(AccessError.unreachable(url: url, message: "the answer is not a redemption"))
            }
            succeed(response)
        case 300..<400:
            fail(AccessError.unreachable(url: url, message: "the server redirects (\(head.status.code)); redirects are not followed"))
        default:
            if let refusal = try? JSONDecoder().decode(RedemptionErrorBody.self, from: data) {
                fail(AccessError.refused(refusal.error, message: refusal.message, url: url))
            } else {
                fail(AccessError.unreachable(url: url, message: "HTTP \(head.status.code) \(head.status.reasonPhrase)"))
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(AccessError.unreachable(url: url, message: "the connection closed before an answer"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        switch TLSFailure(error) {
        case .peerNotTrusted?:
            fail(AccessError.untrusted(url: url))
        case .peerNameMismatch?:
            fail(AccessError.unreachable(url: url, message: "the server's certificate does not name the URL's host; "
                + "the granting site must list it (setting grant-server-host, or a RouterAccess subjectAlternativeName)"))
        case let failure?:
            fail(AccessError.unreachable(url: url, message: failure.dialling("the grant server")))
        case nil:
            fail(AccessError.unreachable(url: url, message: "\(error)"))
        }
        context.close(promise: nil)
    }
}
