import Logging
import NIOCore
import NIOSSL
import NIOTLS
import SkiffLink
import SkiffNetSupport
import SkiffPKI

/// Sits between TLS and a link session and tells the session, in its own terms, what TLS knows:
/// which site the peer's certificate names (`LinkPeerIdentified`, once the handshake completes and
/// before any frame), and why a handshake failed, in words an operator acts on
/// (`LinkTransportFailure`). So the link layer needs nothing of TLS, and the session's identity
/// check cannot be skipped: a session that requires an identity and never heard one refuses the
/// peer's HELLO.
final class LinkTLSHandler: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    private let direction: LinkSession.Direction
    private let logger: Logger
    /// After the handshake, a TLS error is no handshake failure: it is passed on as it is.
    private var handshakeCompleted = false

    init(direction: LinkSession.Direction, logger: Logger) {
        self.direction = direction
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            handshakeCompleted = true
            context.fireUserInboundEventTriggered(Self.identify(context))
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The site the peer's certificate names, read from the TLS handler before this one.
    private static func identify(_ context: ChannelHandlerContext) -> LinkPeerIdentified {
        guard let tls = try? context.pipeline.syncOperations.handler(type: NIOSSLHandler.self),
              let der = try? tls.peerCertificate?.toDERBytes()
        else { return LinkPeerIdentified(identity: .noCertificate, certificate: nil) }
        let identity: PeerIdentity = SiteIdentity.site(ofDER: der).map { .certified(site: $0) } ?? .uncertified
        return LinkPeerIdentified(identity: identity, certificate: der)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard !handshakeCompleted, let failure = TLSFailure(error) else { return context.fireErrorCaught(error) }
        let peer = context.channel.remoteAddress?.hostPortText ?? "?"
        let text: String
        switch direction {
        case .incoming:
            text = failure.accepting(peer)
            logger.warning("refused a link handshake", metadata: ["peer": "\(peer)", "error": "\(text)"])
        case .outgoing(let link):
            text = failure.dialling("link \(link) (\(peer))")
        }
        context.fireErrorCaught(LinkTransportFailure(text))
    }
}
