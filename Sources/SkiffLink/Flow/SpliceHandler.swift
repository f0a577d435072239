import NIOCore

/// Joins two local TCP connections (a listener's client and a connector at the same router):
/// bytes pass straight through, half-close travels across, and a side that cannot write stops
/// the other from reading. Its pipeline calls it on the connection's loop; the router's one call,
/// `becomeReady`, checks it.
package final class SpliceHandler: ChannelDuplexHandler, @unchecked Sendable {
    package typealias InboundIn = ByteBuffer
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    private var partner: SpliceHandler?
    private var context: ChannelHandlerContext?
    private let counters: FlowCounters?
    /// The last write into this side's connection: a half-close waits for it, since NIO fails
    /// writes still queued when output closes.
    private var lastWrite: EventLoopFuture<Void>?
    /// The client side forwards nothing until the connector has answered; what NIO reads before
    /// (its first read on activation bypasses the pipeline) is held, and later reads are suppressed.
    private var ready: Bool
    private var held: [ByteBuffer] = []
    private var heldInputClosed = false
    /// Ready before the channel was active: reading starts when it is.
    private var readWhenActive = false
    private var pin = ReceiveBufferPin()

    private init(counters: FlowCounters?, ready: Bool) {
        self.counters = counters
        self.ready = ready
    }

    /// A connected pair; `counters` count bytes from the first side (the client) as bytes in.
    package static func pair(counters: FlowCounters) -> (SpliceHandler, SpliceHandler) {
        let client = SpliceHandler(counters: counters, ready: false), server = SpliceHandler(counters: nil, ready: true)
        client.partner = server
        server.partner = client
        return (client, server)
    }

    package func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    package func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        pin.saw(buffer)
        guard ready else {
            held.append(buffer)
            return
        }
        forward(buffer)
    }

    private func forward(_ buffer: ByteBuffer) {
        counters?.received(buffer.readableBytes)
        partner?.counters?.sent(buffer.readableBytes)
        guard let partner, let partnerContext = partner.context else { return }
        let promise = partnerContext.eventLoop.makePromise(of: Void.self)
        partner.lastWrite = promise.futureResult
        partnerContext.write(wrapOutboundOut(buffer), promise: promise)
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        partner?.context?.flush()
    }

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case ChannelEvent.inputClosed = event else { return }
        if ready { halfClosePartner() } else { heldInputClosed = true }
    }

    /// This side's input ended: once everything before it is written, end the partner's output.
    private func halfClosePartner() {
        if let partner, let partnerContext = partner.context {
            partnerContext.flush()
            let bound = NIOLoopBound(partnerContext, eventLoop: partnerContext.eventLoop)
            (partner.lastWrite ?? partnerContext.eventLoop.makeSucceededVoidFuture()).whenComplete { _ in
                bound.value.close(mode: .output, promise: nil)
            }
        }
    }

    package func channelInactive(context: ChannelHandlerContext) {
        counters?.closed()
        // Deliver what this side sent before it went away, then close the other side.
        guard let partner, let partnerContext = partner.context else { return }
        partnerContext.flush()
        let bound = NIOLoopBound(partnerContext, eventLoop: partnerContext.eventLoop)
        (partner.lastWrite ?? partnerContext.eventLoop.makeSucceededVoidFuture()).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }

    package func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.context?.read() }
    }

    package func read(context: ChannelHandlerContext) {
        // Read only once the connector answered, and while the partner can take what we read.
        if ready, partner?.context?.channel.isWritable ?? true { context.read() }
    }

    /// The connector answered: pass on what was held, and start reading from the client — now,
    /// or once the client's channel is active: the answer can come before the channel accepted in
    /// the same tick is registered, and a read asked for then would never be registered with epoll.
    package func becomeReady() {
        context?.eventLoop.preconditionInEventLoop()
        ready = true
        let early = held
        held = []
        for buffer in early { forward(buffer) }
        partner?.context?.flush()
        if heldInputClosed {
            halfClosePartner()
        } else if context?.channel.isActive == true {
            context?.read()
        } else {
            readWhenActive = true
        }
    }

    package func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        if readWhenActive {
            readWhenActive = false
            context.read()
        }
    }

    package func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
