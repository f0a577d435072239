import NIOCore
import NIOHTTP1

/// A request as the servers see it: the head, the path without its query, the whole body.
public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    public var path: String
    public var body: ByteBuffer
    /// The peer's IP address, when the connection has one (not on a Unix socket).
    public var remoteIP: String?

    public init(head: HTTPRequestHead, path: String, body: ByteBuffer, remoteIP: String? = nil) {
        self.head = head
        self.path = path
        self.body = body
        self.remoteIP = remoteIP
    }
}

/// A whole response: status, content type, body and any extra headers; `close` ends the connection
/// after it is written.
public struct HTTPResponse: Sendable {
    public var status: HTTPResponseStatus
    public var contentType: String
    public var body: [UInt8]
    public var headers: [(String, String)]
    public var close: Bool

    public init(_ status: HTTPResponseStatus, contentType: String, body: [UInt8], headers: [(String, String)] = [], close: Bool = false) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
        self.close = close
    }

    public static func text(_ status: HTTPResponseStatus, _ text: String, contentType: String = "text/plain") -> HTTPResponse {
        HTTPResponse(status, contentType: contentType, body: Array(text.utf8))
    }
}

/// One HTTP/1.1 exchange handler for every Skiff server (router management API, daemon endpoints,
/// grant server): gathers a request's body up to `maxBody`, asks `respond` for the response (at
/// once or later, from any loop), and writes it with its length. `screen` may answer from the head
/// alone (a wrong method, a declared length past the limit) before any body is read; a response
/// that closes, or a client that asked to, ends the connection, and nothing after it is read.
public final class HTTPExchangeHandler: ChannelInboundHandler, @unchecked Sendable {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias OutboundOut = HTTPServerResponsePart

    public typealias Respond = @Sendable (HTTPRequest) -> EventLoopFuture<HTTPResponse>

    private let maxBody: Int
    private let tooLarge: HTTPResponse
    private let screen: (@Sendable (HTTPRequestHead) -> HTTPResponse?)?
    private let respond: Respond
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var overLimit = false
    /// A response that closes was sent: the rest of the connection is ignored.
    private var finished = false

    public init(maxBody: Int, tooLarge: HTTPResponse, screen: (@Sendable (HTTPRequestHead) -> HTTPResponse?)? = nil,
                respond: @escaping Respond) {
        self.maxBody = maxBody
        self.tooLarge = tooLarge
        self.screen = screen
        self.respond = respond
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
            overLimit = false
            if let early = screen?(head) { return send(context, early, keepAlive: false) }
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > maxBody {
                return send(context, tooLarge, keepAlive: false)
            }
        case .body(var chunk):
            if body.readableBytes + chunk.readableBytes > maxBody { overLimit = true } else { body.writeBuffer(&chunk) }
        case .end:
            guard let head else { return }
            self.head = nil
            guard !overLimit else { return send(context, tooLarge, keepAlive: false) }
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            let request = HTTPRequest(head: head, path: path, body: body, remoteIP: context.channel.remoteAddress?.ipAddress)
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            respond(request).hop(to: context.eventLoop).whenComplete { result in
                let (handler, context) = bound.value
                switch result {
                case .success(let response): handler.send(context, response, keepAlive: head.isKeepAlive)
                case .failure(let error): handler.send(context, .text(.internalServerError, "\(error)\n"), keepAlive: head.isKeepAlive)
                }
            }
        }
    }

    private func send(_ context: ChannelHandlerContext, _ response: HTTPResponse, keepAlive: Bool) {
        let close = response.close || !keepAlive
        if close { finished = true }
        var headers = HTTPHeaders([("Content-Type", response.contentType), ("Content-Length", "\(response.body.count)")])
        if close { headers.add(name: "Connection", value: "close") }
        headers.add(contentsOf: response.headers)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if close { bound.value.close(promise: nil) }
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
