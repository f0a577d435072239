import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP exchange with the grant server: `POST /grants/<name>` with a JSON body of at most
/// `GrantServer.maxBody` bytes. Every answer is JSON and closes the connection.
final class GrantRequestHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: GrantServer
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var answered = false

    init(server: GrantServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            if head.method != .POST { return refuse(context, .methodNotAllowed) }
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > GrantServer.maxBody {
                return refuse(context, .tooLarge)
            }
        case .body(var chunk):
            if (body?.readableBytes ?? 0) + chunk.readableBytes > GrantServer.maxBody { return refuse(context, .tooLarge) }
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
        case .end:
            guard let head else { return }
            respond(context, head: head)
        }
    }

    private func respond(_ context: ChannelHandlerContext, head: HTTPRequestHead) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0] == "grants" else { return refuse(context, .unknownGrant) }
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        server.redeem(grant: String(parts[1]), body: body, from: address).whenSuccess { result in
            let (handler, context) = bound.value
            switch result {
            case .success(let response): handler.send(context, status: .ok, json: response)
            case .failure(let refusal): handler.refuse(context, refusal)
            }
        }
    }

    private func refuse(_ context: ChannelHandlerContext, _ refusal: RedemptionRefusal) {
        send(context, status: HTTPResponseStatus(statusCode: refusal.httpStatus),
             json: RedemptionErrorBody(error: refusal, message: refusal.explanation),
             extra: refusal == .methodNotAllowed ? [("Allow", "POST")] : [])
    }

    private func send(_ context: ChannelHandlerContext, status: HTTPResponseStatus, json: some Encodable, extra: [(String, String)] = []) {
        answered = true
        let data = (try? JSONEncoder().encode(json)) ?? Data("{}".utf8)
        var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(data.count)"), ("Connection", "close")])
        headers.add(contentsOf: extra)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: data)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
