import Logging
import NIOCore
import NIOSSL
import NIOTLS
import SkiffLink
import SkiffNetSupport
import SkiffPKI
import X509

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
    /// Other sites' CAs trusted for their own site alone (link trust through git).
    private let boundCAs: [SiteBoundCA]
    /// After the handshake, a TLS error is no handshake failure: it is passed on as it is.
    private var handshakeCompleted = false

    init(direction: LinkSession.Direction, logger: Logger, boundCAs: [SiteBoundCA] = []) {
        self.direction = direction
        self.logger = logger
        self.boundCAs = boundCAs
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            handshakeCompleted = true
            context.fireUserInboundEventTriggered(identify(context))
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The site the peer's certificate names, read from the TLS handler before this one. A
    /// certificate from another site's CA that names a third site speaks for none.
    private func identify(_ context: ChannelHandlerContext) -> LinkPeerIdentified {
        guard let tls = try? context.pipeline.syncOperations.handler(type: NIOSSLHandler.self),
              let der = try? tls.peerCertificate?.toDERBytes(), let certificate = try? Certificate(derEncoded: der)
        else { return LinkPeerIdentified(identity: .noCertificate, certificate: nil) }
        if let reason = PeerTrust.misissue(certificate, bound: boundCAs) {
            logger.warning("refused a link: certificate issued for another site",
                           metadata: ["peer": "\(context.channel.remoteAddress?.hostPortText ?? "?")", "reason": "\(reason)"])
            return LinkPeerIdentified(identity: .misissued(reason: reason), certificate: der)
        }
        let identity: PeerIdentity = SiteIdentity.site(of: certificate).map { .certified(site: $0) } ?? .uncertified
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
