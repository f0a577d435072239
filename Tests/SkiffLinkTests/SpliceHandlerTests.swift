import NIOCore
import NIOEmbedded
@testable import SkiffLink
import Testing

/// A listener's client joined to a connector's connection at the same router: the client is not
/// read until the connector answers, and the answer may come before the client's channel, accepted
/// in the same tick, is even active.
@Suite("Splicing a client to a local connector")
struct SpliceHandlerTests {
    /// Counts the reads the handlers after it ask of the channel.
    final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = ByteBuffer
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    func pair() throws -> (client: EmbeddedChannel, server: EmbeddedChannel, clientSide: SpliceHandler, reads: ReadCounter) {
        let loop = EmbeddedEventLoop()
        let (clientSide, serverSide) = SpliceHandler.pair(counters: FlowCounters(loop: loop))
        let reads = ReadCounter()
        let client = EmbeddedChannel(loop: loop)
        try client.pipeline.syncOperations.addHandlers([reads, clientSide])
        let server = EmbeddedChannel(handler: serverSide, loop: loop)
        try server.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2)).wait()
        return (client, server, clientSide, reads)
    }

    /// Closes both sides: the pair holds each other until their handlers are removed.
    static func finish(_ channels: EmbeddedChannel...) {
        for channel in channels { _ = try? channel.finish(acceptAlreadyClosed: true) }
    }

    @Test("a connector that answers before the client's channel is active: the client is read once it is, not before")
    func readyBeforeActive() throws {
        let (client, server, clientSide, reads) = try pair()
        defer { Self.finish(client, server) }
        clientSide.becomeReady()
        #expect(reads.reads == 0, "no read asked of a channel that is not active (it would never reach epoll)")
        try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        #expect(reads.reads == 1, "reading starts as the channel becomes active")
        try client.writeInbound(ByteBuffer(string: "hello"))
        #expect(try server.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "hello"))
    }

    @Test("a client active before the answer: nothing it sends passes until the connector answers, then it all does, first")
    func heldUntilReady() throws {
        let (client, server, clientSide, reads) = try pair()
        defer { Self.finish(client, server) }
        try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try client.writeInbound(ByteBuffer(string: "early"))
        #expect(try server.readOutbound(as: ByteBuffer.self) == nil, "held while the connector is dialled")
        #expect(reads.reads == 0, "and not read further")
        clientSide.becomeReady()
        #expect(try server.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "early"))
        #expect(reads.reads == 1)
    }
}
