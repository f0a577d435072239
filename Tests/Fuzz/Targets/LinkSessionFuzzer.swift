import Logging
import NIOCore
import SkiffTelemetry
import NIOEmbedded
@testable import SkiffLink

/// A whole link session in an `EmbeddedChannel`, fed what a hostile peer could send after TLS.
///
/// The first input byte picks the set-up, so the fuzzer reaches deep states without rediscovering
/// a valid HELLO every time: bit 0 sends a valid HELLO from site "east" first, bit 1 makes the
/// router accept the streams the peer opens (as a connector dial in flight would), bit 2 lets the
/// keepalive run out at the end. The rest is the byte stream, delivered in chunks whose sizes come
/// from the stream itself, so frames split across reads are covered too. The peer's certificate
/// names site "east", as TLS tells a router's session.
enum LinkSessionFuzzer {
    static func run(_ input: [UInt8]) -> FuzzOutcome {
        guard let mode = input.first else { return FuzzOutcome(accepted: false, detail: "empty") }
        let delegate = Delegate(accept: mode & 2 != 0)
        // The smallest window and frame the protocol allows, so short inputs can overrun them.
        var configuration = LinkConfiguration.defaults
        configuration.maxStreams = 16
        configuration.initialWindow = WireFormat.minimumWindow
        configuration.maxWindow = WireFormat.minimumWindow * 4
        configuration.maxFramePayload = WireFormat.minimumWindow
        let session = LinkSession(direction: .incoming, localSite: "west", configuration: configuration, delegate: delegate,
                                  logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }),
                                  budget: BufferBudget(limit: 1 << 20))
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        do {
            try channel.pipeline.syncOperations.addHandlers(session.frameHandlers)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            // As TLS tells a router's session: the peer's certificate is for site "east".
            channel.pipeline.fireUserInboundEventTriggered(LinkPeerIdentified(identity: .certified(site: "east"), certificate: nil))
            if mode & 1 != 0 {
                try feed(channel, hello())
            }
            var rest = input.dropFirst()
            while !rest.isEmpty, channel.isActive {
                // A chunk of 1…256 bytes, its size taken from the byte that starts it.
                let size = min(rest.count, Int(rest.first!) + 1)
                try feed(channel, ByteBuffer(bytes: rest.prefix(size)))
                rest = rest.dropFirst(size)
                drain(channel)
            }
            if mode & 4 != 0 { channel.embeddedEventLoop.advanceTime(by: .seconds(10)) }
        } catch {
            return FuzzOutcome(accepted: false, detail: "\(error)")
        }
        drain(channel)
        let cameUp = delegate.ups > 0
        return FuzzOutcome(accepted: cameUp, detail: session.closeReason ?? (cameUp ? "up" : "waiting for hello"))
    }

    /// A HELLO as a well-behaved peer sends it.
    static func hello() -> ByteBuffer {
        let (header, payload) = FrameEncoder.encode(.hello(ByteBuffer(string: #"{"site":"east","protocolVersion":0}"#)),
                                                    allocator: ByteBufferAllocator())
        var bytes = header
        if var payload { bytes.writeBuffer(&payload) }
        return bytes
    }

    private static func feed(_ channel: EmbeddedChannel, _ bytes: ByteBuffer) throws {
        guard channel.isActive else { return }
        try channel.writeInbound(bytes)
        channel.pipeline.fireChannelReadComplete()
    }

    /// Takes what the session wrote, as a peer that reads would.
    private static func drain(_ channel: EmbeddedChannel) {
        while (try? channel.readOutbound(as: ByteBuffer.self)) ?? nil != nil {}
        while (try? channel.readInbound(as: Frame.self)) ?? nil != nil {}
    }

    /// The router side of the session: records what happened, keeps accepted streams.
    final class Delegate: LinkSessionDelegate, @unchecked Sendable {
        let accept: Bool
        var ups = 0
        var accepted: [FlowStream] = []
        init(accept: Bool) { self.accept = accept }
        var isEdgeRouter: Bool { false }
        var softwareVersion: String? { "0.1.0 (test)" }
        func advertisedKeys(for session: LinkSession) -> [String] { ["backend"] }
        func sessionReceivedLinkState(_ session: LinkSession, _ adverts: [LinkStateAdvert]) {}
        func sessionReceivedSummaries(_ session: LinkSession, _ summaries: [SiteSummary], bytes: Int) {}
        func sessionUp(_ session: LinkSession) { ups += 1 }
        func sessionDown(_ session: LinkSession, reason: String) {}
        func sessionKeysChanged(_ session: LinkSession) {}
        func acceptStream(_ stream: FlowStream) -> Bool {
            if accept { accepted.append(stream) }
            return accept
        }
    }
}
