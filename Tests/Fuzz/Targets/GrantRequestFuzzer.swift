import Logging
import NIOCore
import NIOEmbedded
@testable import SkiffAccessHTTPS

/// What a client of the grant server sends after TLS, through the server's own HTTP/1 handlers and
/// request handler, up to the point where a well-formed request would touch the grant records.
/// The server serves no grants, so a request that parses is answered 503 (and counted accepted).
enum GrantRequestFuzzer {
    static func run(_ input: [UInt8]) -> FuzzOutcome {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        let server = GrantServer(stateDirectory: "/nonexistent/skiff-fuzz", loop: channel.embeddedEventLoop,
                                 logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }))
        var answer = ByteBuffer()
        do {
            try server.addExchangeHandlers(to: channel.pipeline.syncOperations)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            // Requests arrive in chunks of 1…256 bytes, sized by the byte that starts each one.
            var rest = input[...]
            while !rest.isEmpty, channel.isActive {
                let size = min(rest.count, Int(rest.first!) + 1)
                try channel.writeInbound(ByteBuffer(bytes: rest.prefix(size)))
                rest = rest.dropFirst(size)
                while var part = try channel.readOutbound(as: ByteBuffer.self) { answer.writeBuffer(&part) }
            }
            channel.embeddedEventLoop.run()
            while var part = try channel.readOutbound(as: ByteBuffer.self) { answer.writeBuffer(&part) }
        } catch {
            return FuzzOutcome(accepted: false, detail: "\(error)")
        }
        let status = String(buffer: answer).split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? "no answer"
        return FuzzOutcome(accepted: status.hasPrefix("HTTP/1.1 503"), detail: status)
    }
}
