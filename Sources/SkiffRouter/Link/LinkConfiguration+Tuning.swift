import SkiffLink
import SkiffRouterAPI

extension LinkConfiguration {
    /// A link's configuration from the router's tuning. Links of a router always run over TLS, so
    /// the peer's HELLO must match the site its certificate names. A link this router dials takes a
    /// server certificate that names no site (credentials the peer's operator provided): the link's
    /// CA and the host dialled have vouched for it.
    init(_ tuning: RouterTuning, dialling: Bool) {
        self.init(initialWindow: tuning.initialStreamWindow, maxWindow: tuning.streamWindow, maxFramePayload: tuning.maxFramePayload,
                  maxStreams: tuning.maxStreamsPerLink, keepaliveInterval: tuning.keepaliveInterval,
                  keepaliveTimeout: tuning.keepaliveTimeout, requiresIdentity: true, acceptsUncertifiedPeer: dialling)
    }
}
