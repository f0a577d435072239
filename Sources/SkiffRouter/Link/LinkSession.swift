import Foundation
import Logging
import NIOCore
import NIOSSL
import SkiffNetSupport
import SkiffPKI
import SkiffRouterAPI
import SkiffSupport

/// What a link session needs from its router.
protocol LinkSessionDelegate: AnyObject, Sendable {
    /// The routing keys to advertise to `session`'s peer (ADVERT).
    func advertisedKeys(for session: LinkSession) -> [String]
    /// This router is an edge router.
    var isEdgeRouter: Bool { get }
    func sessionReceivedLinkState(_ session: LinkSession, _ advert: LinkStateAdvert)
    func sessionUp(_ session: LinkSession)
    func sessionDown(_ session: LinkSession, reason: String)
    func sessionKeysChanged(_ session: LinkSession)
    /// A stream the peer opened: attach it to a local connector, or return nil to reset it.
    func acceptStream(_ stream: FlowStream) -> Bool
}

/// One link, after TLS: hello and adverts, the stream table, keepalive, and frame dispatch.
/// Either side opens streams (the dialler odd ids, the acceptor even ones, as in yamux).
final class LinkSession: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = Frame

    enum Direction: Sendable, Equatable {
        case outgoing(link: String)
        case incoming
    }

    let direction: Direction
    let tuning: RouterTuning
    let localSite: String
    weak var delegate: LinkSessionDelegate?
    let logger: Logger
    /// The router-wide cap on bytes links may make the router hold (shared by every link).
    let budget: BufferBudget
    /// What streams on this link use: set from both HELLOs (the smaller of each side's values).
    private(set) var streamParameters: StreamParameters

    private(set) var peerSite: String?
    /// The certificate the peer presented (DER), kept so its trust can be checked again later.
    private(set) var peerCertificate: [UInt8]?
    private(set) var peerIsEdge = false
    private(set) var peerKeys: Set<String> = []
    /// The link's cost: configured for an outgoing link, learnt from the dialler's hello for an incoming one.
    private(set) var cost: Int
    private(set) var isUp = false
    private(set) var streams: [UInt32: FlowStream] = [:]
    /// Which ids this side opens next and which the peer may still open.
    private var ids: StreamIDs
    /// Control bytes queued while the link was not writable; past `maxControlBacklog` the peer is
    /// not reading and the link is closed, so a peer that stops reading cannot grow our memory.
    private var controlBacklog = 0
    /// Streams with bytes the link could not take, served when it drains (small before bulk).
    private var waitingToSend = SendScheduler()
    /// Streams that stopped reading from TCP only because the link could not write: they read
    /// again when it drains. Without this an idle stream (nothing to send, so never waiting and
    /// granted no credit) would stay paused for good once the link had filled.
    private var pausedReaders = Set<UInt32>()
    /// What one stream may send per visit when waiting streams share a link that drained; also
    /// what a small sender may read per round while the link is full.
    static let drainQuantum = 64 << 10
    /// Counts the times the link drained (became writable): a stream's bytes per round are
    /// counted against the quantum.
    private(set) var drainRound: UInt64 = 0
    /// A PING answer held back while the link is not writable (only the latest is owed).
    private var owedPingAck: UInt32?
    private var context: ChannelHandlerContext?
    private var needsFlush = false
    /// Deadlines of the link's liveness (set when the connection starts).
    private var liveness: Keepalive
    private var keepalive: RepeatedTask?
    /// The round trip of the last PING answered.
    var rtt: TimeAmount? { liveness.rtt }
    private(set) var bytesIn = 0
    private(set) var bytesOut = 0
    private(set) var closeReason: String?
    private var tornDown = false
    /// The stream last reset for data that arrived after it closed.
    private var lastResetSent: UInt32?

    init(direction: Direction, localSite: String, tuning: RouterTuning, delegate: LinkSessionDelegate, logger: Logger, cost: Int = 1,
         budget: BufferBudget? = nil)
    {
        self.direction = direction
        self.cost = min(max(1, cost), LinkHello.maxCost)
        self.localSite = localSite
        self.tuning = tuning
        self.delegate = delegate
        self.logger = logger
        self.budget = budget ?? BufferBudget(limit: tuning.maxBufferedBytes)
        self.streamParameters = StreamParameters(local: tuning)
        ids = StreamIDs(dialler: direction != .incoming)
        liveness = Keepalive(interval: tuning.keepaliveInterval, timeout: tuning.keepaliveTimeout, now: .now())
    }

    /// What goes above TLS on a link's pipeline: the frame decoder, then this session. (The fuzzer
    /// feeds the same pair, so what it finds is what a peer can reach.)
    var frameHandlers: [ChannelHandler] {
        [ByteToMessageHandler(FrameDecoderHandler(maxPayload: tuning.maxFramePayload)), self]
    }

    /// Control output queued while the link cannot write, at most (4 MiB).
    static let maxControlBacklog = 4 << 20

    /// The loop's clock (virtual in an `EmbeddedChannel`, so keepalive is tested without sleeping).
    private var now: NIODeadline { context?.eventLoop.now ?? .now() }

    /// Completes when the link's connection has closed and let go of its handlers.
    var closeFuture: EventLoopFuture<Void>? { context?.channel.closeFuture }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    var openFlows: Int { streams.count }
    /// The peer's `IP:PORT` (`[IPv6]:PORT`), as an operator would type it.
    var remoteAddress: String {
        guard let address = context?.channel.remoteAddress, let ip = address.ipAddress else { return "?" }
        return address.port.map { HostPort.format(ip, $0) } ?? HostPort.bracketed(ip)
    }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    /// The pipeline let go of this session (the connection closed, or a dial never connected):
    /// no timer and no context outlive it, whichever way the channel ended.
    func handlerRemoved(context: ChannelHandlerContext) {
        keepalive?.cancel()
        keepalive = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard keepalive == nil else { return }
        // The peer's silence counts from the connection's start, by the loop's clock.
        liveness.received(at: context.eventLoop.now)
        sendJSON(LinkHello(site: localSite, protocolVersion: Int(WireFormat.version), edge: delegate?.isEdgeRouter ?? false,
                           cost: direction == .incoming ? nil : cost, window: tuning.initialStreamWindow,
                           maxFrame: tuning.maxFramePayload), as: Frame.hello)
        advertise()
        let check = liveness.checkEvery
        keepalive = context.eventLoop.scheduleRepeatedTask(initialDelay: check, delay: check) { [weak self] _ in
            self?.tick()
        }
    }

    /// Sends the routing keys reachable through this router (on start and whenever they change).
    func advertise() {
        sendJSON(RouteAdvert(keys: (delegate?.advertisedKeys(for: self) ?? []).sorted()), as: Frame.advert)
        flush()
    }

    /// Sends a link-state advert (this router's or one being flooded on).
    func sendLinkState(_ advert: LinkStateAdvert) {
        sendJSON(advert, as: Frame.linkState)
        flush()
    }

    private func tick() {
        switch liveness.tick(now: now, canWrite: isWritable) {
        case .none:
            break
        case .ping:
            send(.ping(ack: false, opaque: 0))
            flush()
        case .declareDead:
            logger.warning("link dead", metadata: ["peer": "\(remoteAddress)", "peerSite": "\(peerSite ?? "?")",
                                                   "reason": "no frame for \(tuning.keepaliveTimeout) s (keepalive)"])
            closeReason = "no frame from the peer for \(tuning.keepaliveTimeout) s (keepalive)"
            // Routing must stop using the link now, not when TLS has finished saying goodbye to a
            // peer that is not listening.
            tearDown()
            context?.close(promise: nil)
        }
    }

    /// Resets every stream and reports the link down; runs once, whichever comes first.
    private func tearDown() {
        guard !tornDown else { return }
        tornDown = true
        keepalive?.cancel()
        keepalive = nil
        let open = streams.values
        streams = [:]
        for stream in open { stream.abort() }
        isUp = false
        delegate?.sessionDown(self, reason: closeReason ?? "connection closed")
    }

    func channelInactive(context: ChannelHandlerContext) {
        tearDown()
        self.context = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let frameError = error as? FrameError {
            logger.warning("link protocol error; closing", metadata: ["peer": "\(remoteAddress)", "error": "\(frameError)"])
            close(reason: "protocol error: \(frameError)", code: .protocolError)
        } else if !isUp, let failure = TLSFailure(error) {
            // In words the operator acts on; the side that dialled names its link.
            let text: String
            switch direction {
            case .incoming:
                text = failure.accepting(remoteAddress)
                logger.warning("refused a link handshake", metadata: ["peer": "\(remoteAddress)", "error": "\(text)"])
            case .outgoing(let link):
                text = failure.dialling("link \(link) (\(remoteAddress))")
            }
            closeReason = closeReason ?? text
            context.close(promise: nil)
        } else {
            closeReason = closeReason ?? "\(error)"
            context.close(promise: nil)
        }
    }

    /// Closes the link: GO_AWAY, then the connection.
    func close(reason: String, code: LinkErrorCode) {
        guard let context else { return }
        closeReason = closeReason ?? reason
        send(.goAway(code))
        flush()
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            controlBacklog = 0
            if let opaque = owedPingAck {
                owedPingAck = nil
                send(.ping(ack: true, opaque: opaque))
                flush()
            }
            // Readers first: resuming one only asks for a read, so it takes nothing from the
            // link now, and what it reads joins the queue as a fresh (small) sender.
            drainRound += 1
            resumeReaders()
            drainWaiting()
        } else {
            // Bulk flows stop reading now, not at their next read: otherwise each one reads one
            // more window that the link cannot take, and a thousand flows hold a thousand windows.
            // Small senders read on, a quantum at most (`FlowStream.readAllowance`).
            for stream in streams.values { stream.updateReading() }
        }
        context.fireChannelWritabilityChanged()
    }

    /// The link can write again: waiting streams send, a quantum each per visit, in the order
    /// `SendScheduler` gives (small messages before bulk), until the link is full again or nothing
    /// waits. A stream with bytes left after its visit queues itself again (`FlowStream.drainOut`).
    private func drainWaiting() {
        guard !waitingToSend.isEmpty else { return }
        while isWritable, let id = waitingToSend.next() {
            streams[id]?.drainOut(quantum: Self.drainQuantum)
        }
        flush()
    }

    /// `id` has bytes waiting for the link to drain; `usedQuantum` when it just sent a whole one.
    func waitToSend(_ id: UInt32, usedQuantum: Bool) {
        waitingToSend.wait(id, usedQuantum: usedQuantum)
    }

    /// `id` stopped reading from TCP because the link cannot write: it reads again when it can.
    func resumeReadingWhenWritable(_ id: UInt32) {
        pausedReaders.insert(id)
    }

    /// The link drained: streams paused only for it read again (each read is bounded by its
    /// window; the next time the link fills they all pause again).
    private func resumeReaders() {
        let paused = pausedReaders
        pausedReaders.removeAll(keepingCapacity: true)
        for id in paused { streams[id]?.updateReading() }
    }

    // MARK: Frames in

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        liveness.received(at: context.eventLoop.now)
        let frame = unwrapInboundIn(data)
        logger.trace("frame in", metadata: ["frame": "\(frame)"])
        switch frame {
        case .data, .windowUpdate, .open:
            // Stream frames come after HELLO, which sets the parameters they depend on.
            guard isUp else { return protocolViolation("stream frame before hello") }
        default:
            break
        }
        switch frame {
        case .data(let id, let flags, let payload):
            bytesIn += payload.readableBytes
            receiveData(id, flags: flags, payload: payload)
        case .windowUpdate(let id, let delta):
            // An increment of 0, or one that would overflow any window (all start at 16 KiB or
            // more), is wrong whatever the stream's state; otherwise the stream's own window decides.
            let valid = delta > 0 && Int(delta) <= WireFormat.maxWindow - WireFormat.minimumWindow
            if !valid || streams[id].map({ !$0.grant(delta) }) == true {
                protocolViolation("window update of \(delta) on stream \(id) takes its window past \(WireFormat.maxWindow)")
            }
        case .open(let id, let key, let destination):
            acceptOpen(id, routingKey: key, destination: destination)
        case .ping(let ack, let opaque):
            if ack {
                liveness.pingAnswered(at: context.eventLoop.now)
            } else if isWritable {
                send(.ping(ack: true, opaque: opaque))
            } else {
                owedPingAck = opaque
            }
        case .goAway(let code):
            closeReason = "peer closed the link (\(code))"
            context.close(promise: nil)
        case .hello(let payload):
            guard !isUp else { return protocolViolation("a second hello") }
            guard let hello = decode(LinkHello.self, payload) else { return protocolViolation("unreadable hello") }
            if let problem = LinkHello.problem(hello) { return protocolViolation("hello: \(problem)") }
            if let problem = identityProblem(claimed: hello.site, context: context) { return protocolViolation("identity: \(problem)") }
            peerSite = hello.site
            peerIsEdge = hello.edge ?? false
            if direction == .incoming, let cost = hello.cost { self.cost = cost }
            streamParameters = StreamParameters(local: tuning, peer: hello)
            isUp = true
            logger.info("link up", metadata: ["peer": "\(remoteAddress)", "peerSite": "\(hello.site)"])
            delegate?.sessionUp(self)
        case .advert(let payload):
            guard let advert = decode(RouteAdvert.self, payload) else { return protocolViolation("unreadable advert") }
            peerKeys = Set(advert.keys)
            delegate?.sessionKeysChanged(self)
        case .linkState(let payload):
            guard let advert = decode(LinkStateAdvert.self, payload) else { return protocolViolation("unreadable link-state advert") }
            guard advert.isWellFormed else { return protocolViolation("link-state advert beyond the limits") }
            delegate?.sessionReceivedLinkState(self, advert)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        for stream in streams.values { stream.flushTCP() }
        flush()
        context.fireChannelReadComplete()
    }

    private func receiveData(_ id: UInt32, flags: FrameFlags, payload: ByteBuffer) {
        guard let stream = streams[id] else {
            // A stream we already closed; tell the peer (once, as a payload may come in parts)
            // unless it is telling us.
            if !flags.contains(.rst), lastResetSent != id {
                lastResetSent = id
                sendControl(.reset(id))
            }
            return
        }
        if flags.contains(.rst) {
            stream.abort()
            removeStream(id)
            return
        }
        if !stream.receive(payload, fin: flags.contains(.fin)) {
            protocolViolation("stream \(id) overran its window")
        }
    }

    private func acceptOpen(_ id: UInt32, routingKey: String, destination: FlowDestination?) {
        switch ids.peerOpens(id) {
        case .accept: break
        case .wrongParity: return protocolViolation("open of stream \(id) uses this side's id parity")
        case .reused(let last): return protocolViolation("open of stream \(id) reuses an id (last was \(last))")
        }
        guard streams.count < tuning.maxStreamsPerLink, let delegate else {
            sendControl(.reset(id))
            return
        }
        let stream = FlowStream(id: id, routingKey: routingKey, session: self, counters: nil, destination: destination)
        streams[id] = stream
        if !delegate.acceptStream(stream) {
            streams[id] = nil
            stream.abort()
            sendControl(.reset(id))
        }
    }

    /// Why the peer may not speak for `claimed`, if it may not: the site its TLS certificate names
    /// must be the one its HELLO names. (A session with no TLS beneath it, in memory, has no
    /// certificate to check; a router's links always run over TLS.)
    private func identityProblem(claimed: String, context: ChannelHandlerContext) -> String? {
        guard let tls = try? context.pipeline.syncOperations.handler(type: NIOSSLHandler.self) else { return nil }
        guard let der = try? tls.peerCertificate?.toDERBytes() else { return "the peer presented no certificate" }
        peerCertificate = der
        guard let certified = SiteIdentity.site(ofDER: der) else {
            return "the peer's certificate names no site (issued before Skiff checked site identities: grant a new token)"
        }
        return certified == claimed ? nil : "the peer's certificate is for site \(certified), but its hello says \(claimed)"
    }

    private func protocolViolation(_ message: String) {
        logger.warning("link protocol error; closing", metadata: ["peer": "\(remoteAddress)", "error": "\(message)"])
        close(reason: "protocol error: \(message)", code: .protocolError)
    }

    // MARK: Streams

    /// Opens a stream to the peer for a flow arriving at a listener; data may follow at once.
    /// `destination` names the router the flow is for when it may cross further links.
    func openStream(routingKey: String, destination: FlowDestination? = nil, counters: FlowCounters) -> FlowStream? {
        context?.eventLoop.preconditionInEventLoop()
        guard isUp, streams.count < tuning.maxStreamsPerLink, let id = ids.allocate() else { return nil }
        let stream = FlowStream(id: id, routingKey: routingKey, session: self, counters: counters, destination: destination)
        streams[id] = stream
        send(.open(stream: id, routingKey: routingKey, destination: destination))
        if idsExhausted {
            logger.notice("link used up its stream ids; it closes when its flows end and is dialled again",
                          metadata: ["peerSite": "\(peerSite ?? "?")"])
        }
        return stream
    }

    /// This side has no stream id left: the link takes no new flow and closes once its last one ends.
    var idsExhausted: Bool { ids.exhausted }

    /// The next stream id (tests start a link near the end of the id space).
    func skipStreamIDs(to id: UInt32) {
        ids.skip(to: id)
    }

    func removeStream(_ id: UInt32) {
        streams[id] = nil
        waitingToSend.remove(id)
        pausedReaders.remove(id)
        if idsExhausted, streams.isEmpty { close(reason: "stream ids used up", code: .normal) }
    }

    // MARK: Frames out

    /// Sends a frame the peer's own frames call for (RST). While the link cannot write these queue
    /// up only to `maxControlBacklog`; past it the peer is provoking output it does not read.
    private func sendControl(_ frame: Frame) {
        guard withinBacklog(WireFormat.headerSize) else { return }
        send(frame)
    }

    /// Counts `bytes` of control output queued while the link cannot write; past
    /// `maxControlBacklog` the link is closed and false returned.
    private func withinBacklog(_ bytes: Int) -> Bool {
        guard !isWritable else { return true }
        controlBacklog += bytes
        guard controlBacklog <= Self.maxControlBacklog else {
            protocolViolation("the peer does not read: \(controlBacklog) bytes of control frames queued")
            return false
        }
        return true
    }

    func send(_ frame: Frame) {
        guard let context else { return }
        // Sessions and their streams are confined to their channel's loop; checked in debug
        // builds (and so in every test run), free in release on this per-frame path.
        context.eventLoop.assertInEventLoop()
        logger.trace("frame out", metadata: ["frame": "\(frame)"])
        let (header, payload) = FrameEncoder.encode(frame, allocator: context.channel.allocator)
        context.write(wrapOutboundOut(header), promise: nil)
        if let payload {
            bytesOut += payload.readableBytes
            context.write(wrapOutboundOut(payload), promise: nil)
        }
        needsFlush = true
    }

    func flush() {
        guard needsFlush, let context else { return }
        needsFlush = false
        context.flush()
    }

    private func sendJSON<T: Encodable>(_ value: T, as make: (ByteBuffer) -> Frame) {
        guard let context, let data = try? JSONEncoder().encode(value), withinBacklog(WireFormat.headerSize + data.count) else { return }
        var buffer = context.channel.allocator.buffer(capacity: data.count)
        buffer.writeBytes(data)
        send(make(buffer))
    }

    private func decode<T: Decodable>(_ type: T.Type, _ payload: ByteBuffer) -> T? {
        try? JSONDecoder().decode(type, from: Data(payload.readableBytesView))
    }
}

extension LinkSession {
    typealias OutboundOut = ByteBuffer

    func wrapOutboundOut(_ value: ByteBuffer) -> NIOAny { NIOAny(value) }
}
