import SkiffLink
import SkiffRouterAPI

extension LinkConfiguration {
    /// A link's configuration from the router's tuning. Links of a router always run over TLS, so
    /// the peer's HELLO must match the site its certificate names.
    init(_ tuning: RouterTuning) {
        self.init(initialWindow: tuning.initialStreamWindow, maxWindow: tuning.streamWindow, maxFramePayload: tuning.maxFramePayload,
                  maxStreams: tuning.maxStreamsPerLink, keepaliveInterval: tuning.keepaliveInterval,
                  keepaliveTimeout: tuning.keepaliveTimeout, requiresIdentity: true)
    }
}
