import NIOCore

/// One link's multiplexer as a value: the phase (greeting, up, closing), stream ids, every open
/// stream's state (`StreamState`), keepalive deadlines, the order in which streams send when a full
/// link drains, and the output owed to the peer.
///
/// One `mutating` function per event, each returning what to do. It does no I/O and reads no clock
/// (time is passed in), so every transition is tested in memory; `LinkSession` feeds it the peer's
/// frames and the channel's events and carries out what it answers, and `FlowStream` asks it before
/// moving a stream's bytes. Nothing here can be touched from another thread: the value lives inside
/// the session, on the link's event loop.
package struct LinkStateMachine: Sendable {
    /// Where the link is in its life. Data of a phase lives in its case, so a peer's site cannot be
    /// read before its HELLO.
    package enum Phase: Sendable, Hashable {
        /// This side's HELLO is out and the peer's is awaited; the layer beneath may already have
        /// said which site the peer's certificate names.
        case greeting(identity: PeerIdentity?)
        /// Both HELLOs crossed: streams may open.
        case up(Peer)
        /// Closed by either side, for a reason (`closeReason`): no stream opens and no frame is acted on.
        case closing(Peer?)
    }

    /// Who is on the other end, from its HELLO.
    package struct Peer: Sendable, Hashable {
        package var site: String
        package var isEdge: Bool
        /// The software it runs, as its HELLO said.
        package var version: String? = nil
        /// It reads SUMMARY frames.
        package var readsSummaries = false
    }

    package let configuration: LinkConfiguration
    /// This side dialled the link (it opens odd stream ids and sets the link's cost).
    package let isDialler: Bool
    package internal(set) var phase: Phase = .greeting(identity: nil)
    /// The link's cost: configured at the side that dials, learnt from its HELLO at the other.
    package internal(set) var cost: Int
    /// What streams use: this side's values until the peer's HELLO, then the smaller of each.
    package internal(set) var parameters: StreamParameters
    /// Every open stream, by id.
    package internal(set) var streams: [UInt32: StreamState] = [:]
    var ids: StreamIDs
    var keepalive: Keepalive
    /// Streams with bytes the link could not take, served when it drains (small before bulk).
    var sendQueue = SendScheduler()
    /// Streams that stopped reading from TCP only because the link could not write: they read
    /// again when it drains. (An idle stream has nothing to send and is granted nothing, so nothing
    /// of its own would ever wake it.)
    var pausedReaders = Set<UInt32>()
    /// What each bulk stream may read at once while several share the link.
    var readShare = ReadShare()
    /// Streams that sent in the current drain round: the only ones whose reading a full link
    /// changes beyond the quantum cap every stream's reads take then (`ReadLimit`).
    package internal(set) var sendersThisRound = Set<UInt32>()
    /// Counts the times the link drained: a stream's bytes per round are counted against the quantum.
    package internal(set) var drainRound: UInt64 = 0
    /// Control bytes queued while the link could not write.
    var controlBacklog = 0
    /// A PING answer held back while the link cannot write (only the latest is owed).
    var owedPingAck: UInt32?
    /// The stream last reset for data that arrived after it closed (one RST per stream, as a
    /// payload may come in several parts).
    var lastResetSent: UInt32?
    /// Why the link closed: the first reason given wins.
    package internal(set) var closeReason: String?
    private var tornDown = false

    /// What one stream may send per visit when waiting streams share a link that drained; also
    /// what a small sender may read per round while the link is full.
    package static let drainQuantum = 64 << 10

    /// `cost` is the configured cost of a link this side dials (1 to `LinkHello.maxCost`).
    package init(configuration: LinkConfiguration, dialler: Bool, cost: Int = 1, now: NIODeadline) {
        self.configuration = configuration
        isDialler = dialler
        self.cost = min(max(1, cost), LinkHello.maxCost)
        parameters = StreamParameters(local: configuration)
        ids = StreamIDs(dialler: dialler)
        keepalive = Keepalive(interval: configuration.keepaliveInterval, timeout: configuration.keepaliveTimeout, now: now)
    }

    // MARK: What the session reads

    package var isUp: Bool {
        if case .up = phase { true } else { false }
    }

    package var peer: Peer? {
        switch phase {
        case .up(let peer), .closing(let peer?): peer
        case .greeting, .closing(nil): nil
        }
    }

    /// How often `tick` should run.
    package var tickInterval: TimeAmount { keepalive.checkEvery }

    /// The round trip of the last PING answered.
    package var rtt: TimeAmount? { keepalive.rtt }

    /// This side has no stream id left: the link takes no new flow and closes once its last one ends.
    package var idsExhausted: Bool { ids.exhausted }

    // MARK: The connection

    /// The connection is up: the peer's silence counts from `now`.
    package mutating func started(at now: NIODeadline) {
        keepalive.received(at: now)
    }

    /// The layer beneath said which site the peer's certificate names (before any frame).
    package mutating func identified(_ identity: PeerIdentity) {
        guard case .greeting = phase else { return }
        phase = .greeting(identity: identity)
    }

    /// A frame arrived at `now`: a sign of life. False once the link is closing: the frame is not
    /// acted on.
    package mutating func frameArrived(at now: NIODeadline) -> Bool {
        keepalive.received(at: now)
        if case .closing = phase { return false }
        return true
    }

    package enum OnTick: Sendable, Hashable {
        case none
        case ping
        /// Nothing read for longer than the timeout: the link is dead (the reason in words).
        case dead(String)
    }

    /// The keepalive timer fired.
    package mutating func tick(at now: NIODeadline, linkWritable: Bool) -> OnTick {
        switch keepalive.tick(now: now, canWrite: linkWritable) {
        case .none: return .none
        case .ping:
            if case .closing = phase { return .none }
            return .ping
        case .declareDead:
            let seconds = configuration.keepaliveTimeout
            return .dead("no frame from the peer for \(seconds) s (keepalive)")
        }
    }

    /// This side closes the link, or the peer did (`reason`): true the first time, when the
    /// session says GO_AWAY (if it does) and closes the connection.
    package mutating func close(reason: String) -> Bool {
        closeReason = closeReason ?? reason
        switch phase {
        case .closing: return false
        case .greeting: phase = .closing(nil)
        case .up(let peer): phase = .closing(peer)
        }
        return true
    }

    /// What the end of the connection leaves to do: every open stream ends (releasing `released`
    /// bytes of the router's budget) and the router hears the link is down.
    package struct TearDown: Sendable, Hashable {
        package var released: Int
        package var streams: [UInt32]
        package var reason: String
    }

    /// The connection ended (or keepalive declared the link dead): once, ends every stream.
    package mutating func tearDown() -> TearDown? {
        guard !tornDown else { return nil }
        tornDown = true
        _ = close(reason: "connection closed")
        var released = 0
        for index in streams.values.indices { released += streams.values[index].close() }
        let ended = Array(streams.keys)
        streams = [:]
        sendQueue = SendScheduler()
        pausedReaders = []
        readShare = ReadShare()
        sendersThisRound = []
        return TearDown(released: released, streams: ended, reason: closeReason ?? "connection closed")
    }

    // MARK: Writability and control output

    /// What a link that can write again does first.
    package struct OnWritable: Sendable, Hashable {
        /// A PING answer owed since the link filled.
        package var pingAck: UInt32?
        /// Streams that stopped reading only for the link: they read again (before waiting
        /// streams send, since resuming only asks for a read).
        package var resumeReading: [UInt32]
    }

    /// The link can write again: a new drain round begins.
    package mutating func becameWritable() -> OnWritable {
        controlBacklog = 0
        drainRound += 1
        sendersThisRound.removeAll(keepingCapacity: true)
        defer {
            owedPingAck = nil
            pausedReaders.removeAll(keepingCapacity: true)
        }
        return OnWritable(pingAck: owedPingAck, resumeReading: Array(pausedReaders))
    }

    /// The next stream to send a quantum on a link that drained, if one waits (it queues itself
    /// again when bytes are left after its turn).
    package mutating func nextToSend() -> UInt32? {
        sendQueue.next()
    }

    /// `bytes` of control output the peer's own frames call for (RST, adverts) go out now. While
    /// the link cannot write they count against the backlog: past it, the violation to close with.
    package mutating func controlQueued(_ bytes: Int, linkWritable: Bool) -> LinkViolation? {
        guard !linkWritable else { return nil }
        controlBacklog += bytes
        return controlBacklog > configuration.maxControlBacklog ? .notReading(queued: controlBacklog) : nil
    }
}
