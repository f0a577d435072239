/// What the streams of one link use, negotiated in HELLO: each side announces the initial window it
/// grants a stream and the largest DATA payload it accepts, and both sides use the smaller of the
/// two, so routers with different tuning link without either overrunning the other.
package struct StreamParameters: Sendable, Hashable {
    /// Credit each direction of a new stream starts with.
    package var initialWindow: Int
    /// The largest a stream's receive window may grow to here (local policy, not negotiated).
    package var maxWindow: Int
    /// Largest DATA payload sent on the link.
    package var maxFramePayload: Int

    /// Before the peer's HELLO: this side's own values.
    init(local configuration: LinkConfiguration) {
        initialWindow = configuration.initialWindow
        maxWindow = configuration.maxWindow
        maxFramePayload = configuration.maxFramePayload
    }

    /// After the peer's HELLO: the smaller of each announced value (a peer that announces none
    /// takes ours).
    init(local configuration: LinkConfiguration, peer hello: LinkHello) {
        self.init(local: configuration)
        if let window = hello.window { initialWindow = min(initialWindow, window) }
        if let frame = hello.maxFrame { maxFramePayload = min(maxFramePayload, frame) }
    }
}

extension LinkHello {
    /// What makes a peer's HELLO unusable, if anything: every number is range-checked.
    package static func problem(_ hello: LinkHello) -> String? {
        if hello.site.isEmpty || hello.site.utf8.count > WireFormat.maxRoutingKeyBytes { return "site name empty or over 255 bytes" }
        if hello.protocolVersion != Int(WireFormat.version) { return "protocol version \(hello.protocolVersion) is not \(WireFormat.version)" }
        if let cost = hello.cost, !(1...LinkHello.maxCost).contains(cost) { return "cost \(cost) outside 1-\(LinkHello.maxCost)" }
        if let version = hello.version, !LinkHello.isPrintable(version, maxBytes: LinkHello.maxVersionBytes) {
            return "version not printable ASCII of at most \(LinkHello.maxVersionBytes) bytes"
        }
        if let window = hello.window, !(WireFormat.minimumWindow...WireFormat.maxWindow).contains(window) {
            return "window \(window) outside \(WireFormat.minimumWindow)-\(WireFormat.maxWindow)"
        }
        if let frame = hello.maxFrame, !(WireFormat.minimumFramePayload...WireFormat.maxWindow).contains(frame) {
            return "maximum frame \(frame) outside \(WireFormat.minimumFramePayload)-\(WireFormat.maxWindow)"
        }
        return nil
    }

    /// Highest link cost a HELLO may carry, as in a link-state advert.
    package static let maxCost = LinkStateAdvert.maxCost

    /// Printable ASCII, at most `maxBytes`: what a peer may make every status page show.
    package static func isPrintable(_ text: String, maxBytes: Int) -> Bool {
        text.utf8.count <= maxBytes && text.utf8.allSatisfy { (0x20...0x7e).contains($0) }
    }
}
