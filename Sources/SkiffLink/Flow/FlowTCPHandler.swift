import Logging
import NIOCore

/// Sits on a flow's TCP connection and hands everything to its `FlowStream`. Only its pipeline
/// calls it, on the connection's loop, which is the link's (the stream checks it).
package final class FlowTCPHandler: ChannelInboundHandler, @unchecked Sendable {
    package typealias InboundIn = ByteBuffer

    let stream: FlowStream
    private let logger: Logger
    private var failed = false
    private var pin = ReceiveBufferPin()

    package init(stream: FlowStream, logger: Logger) {
        self.stream = stream
        self.logger = logger
    }

    package func channelActive(context: ChannelHandlerContext) {
        // A listener's client is attached before its channel registers; start reading now.
        stream.updateReading(force: true)
        context.fireChannelActive()
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        pin.saw(buffer)
        stream.readFromTCP(buffer)
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        stream.flushLink()
    }

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            stream.tcpInputClosed()
            stream.flushLink()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    package func channelInactive(context: ChannelHandlerContext) {
        guard !stream.isClosed else { return }
        // NIO closes a half-closed connection outright when its input ends too (no inputClosed
        // event), so a clean close after the peer's FIN is a FIN; an error or an early close aborts.
        if !failed && stream.remoteFinReceived {
            stream.tcpInputClosed()
            stream.flushLink()
        } else {
            stream.tcpFailed()
        }
    }

    package func errorCaught(context: ChannelHandlerContext, error: Error) {
        failed = true
        logger.debug("flow connection failed", metadata: [
            "stream": "\(stream.id)", "routingKey": "\(stream.routingKey)", "error": "\(error)",
        ])
        context.close(promise: nil)
    }
}
