import Foundation
import Logging
import NIOCore
import NIOEmbedded
@testable import SkiffRouter
import Testing

/// A link session in an `EmbeddedChannel`: frames in, frames out, no sockets.
@Suite("Link session state machine")
struct LinkSessionTests {
    final class Delegate: LinkSessionDelegate, @unchecked Sendable {
        var keys = ["backend"]
        var ups = 0
        var downs: [String] = []
        var isEdgeRouter: Bool { false }
        var linkState: [LinkStateAdvert] = []
        func advertisedKeys(for session: LinkSession) -> [String] { keys }
        func sessionReceivedLinkState(_ session: LinkSession, _ advert: LinkStateAdvert) { linkState.append(advert) }
        func sessionUp(_ session: LinkSession) { ups += 1 }
        func sessionDown(_ session: LinkSession, reason: String) { downs.append(reason) }
        func sessionKeysChanged(_ session: LinkSession) {}
        func acceptStream(_ stream: FlowStream) -> Bool { false }
    }

    static func make() throws -> (EmbeddedChannel, LinkSession, Delegate) {
        let delegate = Delegate()
        let session = LinkSession(direction: .incoming, localSite: "west", tuning: .defaults, delegate: delegate,
                                  logger: Logger(label: "test"))
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([ByteToMessageHandler(FrameDecoderHandler(maxPayload: 1 << 20)), session])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, session, delegate)
    }

    static func outbound(_ channel: EmbeddedChannel) throws -> [Frame] {
        var bytes = ByteBuffer()
        while var next = try channel.readOutbound(as: ByteBuffer.self) { bytes.writeBuffer(&next) }
        var frames: [Frame] = []
        var parser = FrameParser()
        while let frame = try parser.nextFrame(from: &bytes) { frames.append(frame) }
        return frames
    }

    static func feed(_ channel: EmbeddedChannel, _ frame: Frame) throws {
        let (header, payload) = FrameEncoder.encode(frame, allocator: channel.allocator)
        try channel.writeInbound(header)
        if let payload { try channel.writeInbound(payload) }
    }

    @Test("on connect the session says hello and advertises its keys; a hello from the peer brings it up")
    func helloAndAdvert() throws {
        let (channel, session, delegate) = try Self.make()
        let sent = try Self.outbound(channel)
        #expect(sent.count == 2)
        guard case .hello = sent.first, case .advert(let keys) = sent.last else { Issue.record("\(sent)"); return }
        #expect(String(buffer: keys) == #"{"keys":["backend"]}"#)
        try Self.feed(channel, .hello(ByteBuffer(string: #"{"site":"east","protocolVersion":0}"#)))
        try Self.feed(channel, .advert(ByteBuffer(string: #"{"keys":["db"]}"#)))
        #expect(session.isUp && session.peerSite == "east" && session.peerKeys == ["db"])
        #expect(delegate.ups == 1)
        _ = try? channel.finish()
    }

    @Test("a ping is answered with an ack carrying the same value")
    func ping() throws {
        let (channel, _, _) = try Self.make()
        _ = try Self.outbound(channel)
        try Self.feed(channel, .ping(ack: false, opaque: 42))
        #expect(try Self.outbound(channel) == [.ping(ack: true, opaque: 42)])
        _ = try? channel.finish()
    }

    @Test("an open nobody can serve is reset, and the link lives on")
    func unservedOpen() throws {
        let (channel, session, _) = try Self.make()
        _ = try Self.outbound(channel)
        try Self.feed(channel, .open(stream: 1, routingKey: "nothing"))
        #expect(try Self.outbound(channel) == [.reset(1)])
        #expect(channel.isActive && session.openFlows == 0)
        _ = try? channel.finish()
    }

    @Test("garbage from the peer closes the link with GO_AWAY(protocol error)", arguments: [
        [UInt8]([7, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]),
        [0, 42, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0, 0, 0],
    ])
    func garbage(bytes: [UInt8]) throws {
        let (channel, _, delegate) = try Self.make()
        _ = try Self.outbound(channel)
        _ = try? channel.writeInbound(ByteBuffer(bytes: bytes))  // the session handles the error itself
        channel.embeddedEventLoop.run()
        #expect(try Self.outbound(channel) == [.goAway(.protocolError)])
        #expect(!channel.isActive)
        #expect(delegate.downs.first?.hasPrefix("protocol error") == true, "\(delegate.downs)")
    }

    @Test("a link-state advert is handed to the router; one beyond the limits closes the link", arguments: [false, true])
    func linkState(oversized: Bool) throws {
        let (channel, _, delegate) = try Self.make()
        _ = try Self.outbound(channel)
        let neighbours = (0..<(oversized ? LinkStateAdvert.maxNeighbours + 1 : 3)).map { LinkStateAdvert.Neighbour(site: "n\($0)", cost: 1) }
        let advert = LinkStateAdvert(origin: "east", sequence: 9, neighbours: neighbours, keys: ["backend"])
        try Self.feed(channel, .linkState(ByteBuffer(bytes: try JSONEncoder().encode(advert))))
        if oversized {
            #expect(try Self.outbound(channel) == [.goAway(.protocolError)])
            #expect(delegate.linkState.isEmpty)
        } else {
            #expect(delegate.linkState == [advert])
            #expect(channel.isActive)
        }
    }

    @Test("an open that reuses the peer's own id parity is a protocol error")
    func badStreamID() throws {
        let (channel, _, delegate) = try Self.make()
        _ = try Self.outbound(channel)
        try Self.feed(channel, .open(stream: 2, routingKey: "backend"))
        #expect(try Self.outbound(channel) == [.goAway(.protocolError)])
        #expect(delegate.downs.count == 1)
    }
}
