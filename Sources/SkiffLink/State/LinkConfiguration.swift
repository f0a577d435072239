/// The numbers that shape one link, as this side sets them. The window and the largest frame are
/// announced in HELLO and the smaller of the two sides' values is used (`StreamParameters`).
package struct LinkConfiguration: Sendable, Hashable {
    /// Credit each direction of a new stream starts with. Default 64 KiB (HTTP/2's).
    package var initialWindow: Int
    /// The most a stream's receive window grows to while its reader keeps up. Default 4 MiB.
    package var maxWindow: Int
    /// Largest DATA payload sent or accepted. Default 1 MiB.
    package var maxFramePayload: Int
    /// Most streams open on the link at once; an OPEN beyond it is reset and the link lives on.
    /// Default 20,000.
    package var maxStreams: Int
    /// Seconds between PINGs while the link can write. Default 1.
    package var keepaliveInterval: Double
    /// Seconds without a frame after which the link is dead. Default 3.
    package var keepaliveTimeout: Double
    /// Control output (RST, adverts) queued while the link cannot write, at most; past it the peer
    /// is provoking output it does not read and the link is closed. Default 4 MiB.
    package var maxControlBacklog: Int
    /// The peer's HELLO must name the site its certificate names (`LinkPeerIdentified`). Off only
    /// for a session with no TLS beneath it (in memory). Default on.
    package var requiresIdentity: Bool
    /// A peer whose certificate names no site is taken at its HELLO's word. Only for a link this
    /// side dials: the peer's certificate was verified against the link's CA and the host dialled
    /// (a router serving credentials an operator provided). A certificate that names a site must
    /// still match. Default off.
    package var acceptsUncertifiedPeer: Bool

    package init(initialWindow: Int, maxWindow: Int, maxFramePayload: Int, maxStreams: Int, keepaliveInterval: Double,
                 keepaliveTimeout: Double, maxControlBacklog: Int = 4 << 20, requiresIdentity: Bool = true, acceptsUncertifiedPeer: Bool = false)
    {
        self.acceptsUncertifiedPeer = acceptsUncertifiedPeer
        self.initialWindow = initialWindow
        self.maxWindow = max(initialWindow, maxWindow)
        self.maxFramePayload = maxFramePayload
        self.maxStreams = maxStreams
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveTimeout = keepaliveTimeout
        self.maxControlBacklog = maxControlBacklog
        self.requiresIdentity = requiresIdentity
    }

    /// 64 KiB initial window growing to 4 MiB, 1 MiB frames, 20,000 streams, a ping a second and
    /// death after 3 s of silence, 4 MiB of control backlog, identity required.
    package static var defaults: LinkConfiguration {
        LinkConfiguration(initialWindow: 64 << 10, maxWindow: 4 << 20, maxFramePayload: 1 << 20, maxStreams: 20_000,
                          keepaliveInterval: 1, keepaliveTimeout: 3)
    }
}
