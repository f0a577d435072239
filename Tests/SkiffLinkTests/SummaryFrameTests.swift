import Foundation
import NIOCore
import NIOEmbedded
@testable import SkiffLink
import SkiffTelemetry
import Testing

/// SUMMARY frames on a link: handed to the router when within `SummaryLimits`, the link closed
/// when not; sent only to peers whose HELLO said they read them.
@Suite("Site summaries on a link")
struct SummaryFrameTests {
    static func summary(_ origin: String = "east", endpoints: Int = 1, rate: Double = 10) -> SiteSummary {
        let endpoint = SiteSummary.Endpoint(name: "backend", routingKey: "backend", address: "127.0.0.1:8080", ready: true, openFlows: 1,
                                            totalFlows: 3, bytesIn: 100, bytesOut: 200, rateIn: rate, rateOut: rate)
        return SiteSummary(origin: origin, sequence: 7, edge: false, version: "0.1.0", interval: 5,
                           links: [.init(name: "to-west", peer: "west", direction: "outgoing", state: "up", cost: 1, rttMilliseconds: 0.4,
                                         bytesIn: 1, bytesOut: 2, rateIn: 0, rateOut: 0, openFlows: 0)],
                           listeners: [], connectors: Array(repeating: endpoint, count: endpoints))
    }

    static func frame(_ summaries: [SiteSummary]) -> Frame {
        .summary(ByteBuffer(bytes: JSONBatch.encode(summaries, limit: 1 << 30)[0]))
    }

    @Test("a summary within the limits reaches the router; beyond them, unreadable, with a negative counter or an infinite rate, the link closes",
          arguments: ["good", "links", "unreadable", "negative", "rate"])
    func received(kind: String) throws {
        let test = LinkSessionTests()
        let (channel, _, delegate) = try test.up()
        var summary = Self.summary(endpoints: 2)
        if kind == "links" { summary.links = Array(repeating: summary.links[0], count: SummaryLimits.maxLinks + 1) }
        if kind == "negative" { summary.connectors[0].bytesIn = -1 }
        let frame: Frame
        switch kind {
        case "unreadable": frame = .summary(ByteBuffer(string: #"{"origin": 7}"#))
        // JSON cannot carry infinity, but a peer's "1e999" decodes to it.
        case "rate": frame = .summary(ByteBuffer(string: String(decoding: JSONBatch.encode([summary], limit: 1 << 30)[0], as: UTF8.self)
            .replacingOccurrences(of: #""ro":10"#, with: #""ro":1e999"#)))
        default: frame = Self.frame([summary])
        }
        try LinkSessionTests.feed(channel, frame)
        if kind == "good" {
            #expect(delegate.summaries == [summary])
            #expect(channel.isActive)
        } else {
            try LinkSessionTests.expectProtocolError(channel, delegate, containing: kind == "unreadable" || kind == "rate" ? "unreadable site summary" : "site summary refused")
            #expect(delegate.summaries.isEmpty)
        }
    }

    @Test("an edge peer speaks for itself only: a summary it sends for another site closes the link")
    func edgeSpeaksForItself() throws {
        let test = LinkSessionTests()
        let (channel, _, delegate) = try test.up(hello: #","edge":true"#)
        try LinkSessionTests.feed(channel, Self.frame([Self.summary("east")]))
        #expect(delegate.summaries.map(\.origin) == ["east"])
        try LinkSessionTests.feed(channel, Self.frame([Self.summary("north")]))
        try LinkSessionTests.expectProtocolError(channel, delegate, containing: "edge site east sent a summary for north")
    }

    @Test("summaries go to a peer that reads them, as one frame with the newest of each origin; a peer of an earlier release gets none",
          arguments: [true, false])
    func sentOnlyToReaders(reads: Bool) throws {
        let test = LinkSessionTests()
        let (channel, session, _) = try test.up(hello: reads ? #","summaries":true"# : "")
        var newer = Self.summary("north")
        newer.sequence = 9
        #expect(session.queueSummary(Self.summary("north")) == reads)
        _ = session.queueSummary(newer)
        _ = session.queueSummary(Self.summary("east"))
        let bytes = session.flushSummaries()
        let frames = try LinkSessionTests.outbound(channel)
        if reads {
            guard frames.count == 1, case .summary(let payload) = frames[0] else { Issue.record("\(frames)"); return }
            #expect(bytes == payload.readableBytes + WireFormat.headerSize)
            #expect(JSONBatch.decode(SiteSummary.self, payload.readableBytesView)?.map { "\($0.origin)@\($0.sequence)" } == ["east@7", "north@9"])
        } else {
            #expect(frames.isEmpty && bytes == 0)
        }
    }

    @Test("our own HELLO says we read summaries")
    func helloAnnouncesSummaries() throws {
        let (channel, _, _) = try LinkSessionTests().make()
        let sent = try LinkSessionTests.outbound(channel)
        guard case .hello(let payload) = sent.first else { Issue.record("\(sent)"); return }
        #expect(String(buffer: payload).contains(#""summaries":true"#))
    }
}
