import NIOCore

/// Joins two local TCP connections (a listener's client and a connector at the same router):
/// bytes pass straight through, half-close travels across, and a side that cannot write stops
/// the other from reading.
final class SpliceHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var partner: SpliceHandler?
    private var context: ChannelHandlerContext?
    private let counters: FlowCounters?
    private var pendingRead = false

    private init(counters: FlowCounters?) {
        self.counters = counters
    }

    /// A connected pair; `counters` count bytes from the first side (the client) as bytes in.
    static func pair(counters: FlowCounters) -> (SpliceHandler, SpliceHandler) {
        let client = SpliceHandler(counters: counters), server = SpliceHandler(counters: nil)
        client.partner = server
        server.partner = client
        return (client, server)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        counters?.bytesIn += buffer.readableBytes
        partner?.counters?.bytesOut += buffer.readableBytes
        partner?.context?.write(wrapOutboundOut(buffer), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.context?.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            partner?.context?.close(mode: .output, promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        counters?.closed()
        partner?.context?.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.context?.read() }
    }

    func read(context: ChannelHandlerContext) {
        // Read only while the partner can take what we read.
        if partner?.context?.channel.isWritable ?? true { context.read() }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
