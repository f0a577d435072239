import NIOCore
@testable import SkiffLink
import Testing

/// The whole multiplexer as one value (`LinkStateMachine`): the link's phases, identity, HELLO
/// negotiation, keepalive, output owed while the link is full. In memory: no channel, no clock but
/// the one passed in. (Streams: `MultiplexerStreamTests`.)
@Suite("Multiplexer: the link")
struct MultiplexerLinkTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    static func at(_ seconds: Double) -> NIODeadline { start + .milliseconds(Int64(seconds * 1000)) }

    /// A machine accepting a link; the peer's certificate names `certified` (nil: nothing said).
    static func machine(_ configuration: LinkConfiguration = .defaults, dialler: Bool = false, cost: Int = 1,
                        certified: String? = "east") -> LinkStateMachine
    {
        var machine = LinkStateMachine(configuration: configuration, dialler: dialler, cost: cost, now: start)
        if let certified { machine.identified(.certified(site: certified)) }
        return machine
    }

    static func hello(_ site: String = "east", edge: Bool? = nil, cost: Int? = nil, window: Int? = nil, maxFrame: Int? = nil) -> LinkHello {
        LinkHello(site: site, protocolVersion: Int(WireFormat.version), edge: edge, cost: cost, window: window, maxFrame: maxFrame)
    }

    /// A machine whose link is up with site "east".
    static func up(_ configuration: LinkConfiguration = .defaults, dialler: Bool = false, hello: LinkHello = hello()) -> LinkStateMachine {
        var machine = machine(configuration, dialler: dialler)
        #expect(on { machine.receivedHello(hello) } == .up(.init(site: hello.site, isEdge: hello.edge ?? false, version: hello.version)))
        return machine
    }

    // MARK: Phases

    @Test("greeting → up with the peer's HELLO; a second HELLO is a violation; the peer is known only once up")
    func greetingToUp() {
        var machine = Self.machine()
        #expect(machine.phase == .greeting(identity: .certified(site: "east")) && machine.peer == nil && !machine.isUp)
        #expect(on { machine.receivedHello(Self.hello(edge: true)) } == .up(.init(site: "east", isEdge: true)))
        #expect(machine.isUp && machine.peer?.site == "east" && machine.peer?.isEdge == true)
        #expect(on { machine.receivedHello(Self.hello()) } == .violation(.secondHello))
    }

    @Test("stream frames before HELLO are violations, whichever frame", arguments: ["open", "data", "window"])
    func streamFramesBeforeHello(frame: String) {
        var machine = Self.machine()
        switch frame {
        case "open": #expect(machine.receivedOpen(stream: 1) == .violation(.streamFrameBeforeHello))
        case "data": #expect(machine.receivedData(stream: 1, flags: [], count: 1) == .violation(.streamFrameBeforeHello))
        default: #expect(machine.receivedWindowUpdate(stream: 1, delta: 100) == .violation(.streamFrameBeforeHello))
        }
        #expect(on { machine.openStream() } == nil, "this side opens nothing before HELLO either")
    }

    @Test("closing happens once and the first reason wins; after it no frame is acted on and no stream opens")
    func closing() {
        var machine = Self.up()
        #expect(on { machine.close(reason: "protocol error: x") })
        #expect(!on { machine.close(reason: "later") })
        #expect(machine.closeReason == "protocol error: x" && !machine.isUp && machine.peer?.site == "east")
        #expect(!on { machine.frameArrived(at: Self.at(1)) })
        #expect(on { machine.openStream() } == nil)
        #expect(on { machine.tick(at: Self.at(1.25), linkWritable: true) } == .none, "no ping on a closing link")
    }

    @Test("the end of the connection ends every stream once, returning what they held of the budget")
    func tearDown() throws {
        var machine = Self.up()
        #expect(on { machine.receivedOpen(stream: 1) } == .accept && on { machine.receivedOpen(stream: 3) } == .accept)
        let mine = try #require(on { machine.openStream() })
        #expect(on { machine.receivedData(stream: 1, flags: [], count: 40_000) } == .deliver(fin: false))
        let torn = try #require(on { machine.tearDown() })
        #expect(Set(torn.streams) == [1, 3, mine] && torn.reason == "connection closed" && torn.released == 0,
                "the initial window is each stream's own: nothing of the budget was drawn")
        #expect(machine.streams.isEmpty && on { machine.tearDown() } == nil, "once")
    }

    // MARK: Identity

    @Test("the HELLO must name the site the certificate names", arguments: [
        (PeerIdentity?.some(.certified(site: "east")), nil as String?),
        (.some(.certified(site: "north")), "the peer's certificate is for site north, but its hello says east"),
        (.some(.uncertified), "the peer's certificate names no site"),
        (.some(.noCertificate), "the peer presented no certificate"),
        (nil, "the peer presented no certificate"),
    ])
    func identity(identity: PeerIdentity?, problem: String?) {
        var machine = LinkStateMachine(configuration: .defaults, dialler: false, now: Self.start)
        if let identity { machine.identified(identity) }
        let answer = machine.receivedHello(Self.hello())
        if let problem {
            guard case .violation(.identity(let text)) = answer else { Issue.record("\(answer)"); return }
            #expect(text.hasPrefix(problem), "\(text)")
            #expect(!machine.isUp)
        } else {
            #expect(answer == .up(.init(site: "east", isEdge: false)))
        }
    }

    @Test("with no TLS beneath (identity not required) a HELLO stands on its own; an identity said after it changes nothing")
    func identityNotRequired() {
        var configuration = LinkConfiguration.defaults
        configuration.requiresIdentity = false
        var machine = LinkStateMachine(configuration: configuration, dialler: false, now: Self.start)
        #expect(on { machine.receivedHello(Self.hello()) } == .up(.init(site: "east", isEdge: false)))
        machine.identified(.certified(site: "north"))
        #expect(machine.isUp && machine.peer?.site == "east")
    }

    @Test("a link this side dials may take a server certificate that names no site (its CA and host vouched for it); one that names another site never")
    func uncertifiedServer() {
        var configuration = LinkConfiguration.defaults
        configuration.acceptsUncertifiedPeer = true
        var dialling = LinkStateMachine(configuration: configuration, dialler: true, now: Self.start)
        dialling.identified(.uncertified)
        #expect(on { dialling.receivedHello(Self.hello()) } == .up(.init(site: "east", isEdge: false)))
        var spoofed = LinkStateMachine(configuration: configuration, dialler: true, now: Self.start)
        spoofed.identified(.certified(site: "north"))
        guard case .violation(.identity) = on({ spoofed.receivedHello(Self.hello()) }) else { Issue.record("a certificate for north spoke for east"); return }
        var accepting = Self.machine(certified: nil)
        accepting.identified(.uncertified)
        guard case .violation(.identity) = on({ accepting.receivedHello(Self.hello()) }) else { Issue.record("accepted an uncertified client"); return }
    }

    // MARK: Negotiation

    @Test("the smaller window and frame win; the accepting side learns the cost, the dialler keeps its own")
    func negotiation() {
        let accepting = Self.up(hello: Self.hello(cost: 7, window: 32 << 10, maxFrame: 16 << 10))
        #expect(accepting.parameters.initialWindow == 32 << 10 && accepting.parameters.maxFramePayload == 16 << 10)
        #expect(accepting.parameters.maxWindow == LinkConfiguration.defaults.maxWindow, "growth is local policy")
        #expect(accepting.cost == 7)
        let versioned = Self.up(hello: LinkHello(site: "east", protocolVersion: Int(WireFormat.version), version: "0.1.0 (1a2b3c4d5e6f)"))
        #expect(versioned.peer?.version == "0.1.0 (1a2b3c4d5e6f)", "the peer's version is kept for status")
        let dialling = Self.up(dialler: true, hello: Self.hello(cost: 7, window: 1 << 30))
        #expect(dialling.cost == 1 && dialling.parameters.initialWindow == LinkConfiguration.defaults.initialWindow)
    }

    @Test("a HELLO with a number out of range, or a version a terminal would act on, is a violation naming it", arguments: [
        (hello(cost: 0), "cost 0"), (hello(window: 10), "window 10"), (hello(maxFrame: 1), "maximum frame 1"),
        (hello(""), "site name"), (LinkHello(site: "east", protocolVersion: 9), "protocol version 9"),
        (LinkHello(site: "east", protocolVersion: Int(WireFormat.version), version: "0.1.0\u{1b}[2J"), "version not printable"),
        (LinkHello(site: "east", protocolVersion: Int(WireFormat.version), version: String(repeating: "9", count: 65)), "version not printable"),
    ])
    func helloOutOfRange(hello: LinkHello, naming: String) {
        var machine = Self.machine()
        guard case .violation(.hello(let problem)) = machine.receivedHello(hello) else { Issue.record("accepted \(hello)"); return }
        #expect(problem.contains(naming), "\(problem)")
    }

    // MARK: Keepalive

    @Test("keepalive: a ping per interval from the start (before HELLO too), death after the timeout with the reason in words")
    func keepalive() {
        var machine = Self.machine()
        machine.started(at: Self.at(0))
        #expect(on { machine.tick(at: Self.at(0.25), linkWritable: true) } == .ping)
        #expect(on { machine.frameArrived(at: Self.at(2)) })
        #expect(on { machine.tick(at: Self.at(4.9), linkWritable: false) } == .none)
        #expect(on { machine.tick(at: Self.at(5.1), linkWritable: false) } == .dead("no frame from the peer for 3.0 s (keepalive)"))
    }

    @Test("a PING is answered at once while the link can write; while it cannot, only the latest is owed, once")
    func pings() {
        var machine = Self.up()
        #expect(on { machine.receivedPing(ack: false, opaque: 1, at: Self.at(0), linkWritable: true) } == .answer(opaque: 1))
        for value in UInt32(2)...1_000 { #expect(machine.receivedPing(ack: false, opaque: value, at: Self.at(0), linkWritable: false) == .none) }
        #expect(on { machine.becameWritable() }.pingAck == 1_000)
        #expect(on { machine.becameWritable() }.pingAck == nil)
        #expect(on { machine.receivedPing(ack: true, opaque: 0, at: Self.at(0), linkWritable: true) } == .none, "an answer is not answered")
    }

    // MARK: Output owed to the peer

    @Test("control output queued while the link cannot write is bounded; the link writing again clears the count")
    func controlBacklog() {
        var configuration = LinkConfiguration.defaults
        configuration.maxControlBacklog = 100
        var machine = Self.up(configuration)
        #expect(on { machine.controlQueued(1_000, linkWritable: true) } == nil, "a writable link queues nothing")
        for _ in 0..<8 { #expect(machine.controlQueued(12, linkWritable: false) == nil) }
        #expect(on { machine.controlQueued(12, linkWritable: false) } == .notReading(queued: 108))
        _ = machine.becameWritable()
        #expect(on { machine.controlQueued(96, linkWritable: false) } == nil)
    }

    @Test("data for a stream that is not open is answered with one RST, and an RST for one is not answered")
    func unknownStream() {
        var machine = Self.up()
        #expect(on { machine.receivedData(stream: 9, flags: [], count: 100) } == .reset)
        #expect(on { machine.receivedData(stream: 9, flags: [], count: 100) } == .ignore, "a payload in parts draws one RST")
        #expect(on { machine.receivedData(stream: 11, flags: .rst, count: 0) } == .ignore)
        #expect(on { machine.receivedWindowUpdate(stream: 9, delta: 100) } == .ignore)
    }

    @Test("opens from the peer: its own parity, ids that only grow, and at most the configured number open (beyond: reset)")
    func peerOpens() {
        var configuration = LinkConfiguration.defaults
        configuration.maxStreams = 2
        var machine = Self.up(configuration)
        #expect(on { machine.receivedOpen(stream: 2) } == .violation(.wrongParity(stream: 2)))
        #expect(on { machine.receivedOpen(stream: 1) } == .accept && on { machine.receivedOpen(stream: 5) } == .accept)
        #expect(on { machine.receivedOpen(stream: 3) } == .violation(.reusedID(stream: 3, last: 5)))
        #expect(on { machine.receivedOpen(stream: 7) } == .refuse, "a third stream is reset; the link lives on")
        #expect(machine.streams.count == 2 && on { machine.openStream() } == nil, "this side's opens count too")
    }
}
