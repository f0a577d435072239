import NIOCore
import NIOSSL
import NIOTLS
import SkiffNetSupport

/// Sits behind TLS on a connection to a connector's backend and says, once, how the handshake
/// ended: ready, or failed with the reason in words (the backend's certificate, or its refusal of
/// ours). A failed handshake is the connector's fault, not one flow's: the router marks the
/// connector unreachable with that reason, as it does a refused connection.
///
/// In TLS 1.3 the client's side of the handshake completes before the server has checked the
/// client's certificate, whose refusal arrives as an alert just after. So the handshake counts as
/// a success only once the backend has sent its first bytes, or `settle` has passed without an alert.
final class BackendTLSHandler: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    /// How long after the handshake a refusal of the client certificate may still arrive.
    static let settle = TimeAmount.milliseconds(300)

    private let target: String
    private let credentials: String
    private var outcome: ((Result<Void, BackendTLSFailure>) -> Void)?
    private var handshakeCompleted = false
    private var settling: Scheduled<Void>?

    init(target: String, credentials: String, outcome: @escaping (Result<Void, BackendTLSFailure>) -> Void) {
        self.target = target
        self.credentials = credentials
        self.outcome = outcome
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if handshakeCompleted { report(.success(())) }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event, outcome != nil {
            handshakeCompleted = true
            settling = context.eventLoop.assumeIsolated().scheduleTask(in: Self.settle) { self.report(.success(())) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let failure = TLSFailure(error) {
            report(.failure(BackendTLSFailure(description: failure.backend(target, credentials: credentials))))
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        report(.failure(BackendTLSFailure(description: handshakeCompleted
                ? "TLS to \(target): the backend closed the connection just after the handshake (does it refuse this connector's client certificate?)"
                : "TLS to \(target): the backend closed the connection during the handshake")))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        settling?.cancel()
        outcome = nil
    }

    private func report(_ result: Result<Void, BackendTLSFailure>) {
        settling?.cancel()
        settling = nil
        let outcome = self.outcome
        self.outcome = nil
        outcome?(result)
    }
}

/// A TLS handshake with a connector's backend that failed, in words.
struct BackendTLSFailure: Error, CustomStringConvertible {
    var description: String
}
