#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import NIOCore
import SkiffTelemetry

/// One link, after TLS: the channel handler of the link's multiplexer. Every decision — hello,
/// stream ids, windows, FIN and RST, keepalive, output owed — is the `LinkStateMachine`'s; this
/// handler feeds it frames and channel events and does the I/O it answers with: frames out,
/// streams' handlers called, the router told.
///
/// Either side opens streams (the dialler odd ids, the acceptor even ones, as in yamux). Runs on its
/// channel's event loop: the router's entry points check it.
package final class LinkSession: ChannelInboundHandler, @unchecked Sendable {
    /// Nothing comes down the pipeline: the decoder before this session calls `received` with
    /// each frame.
    package typealias InboundIn = Never
    package typealias OutboundOut = ByteBuffer

    package enum Direction: Sendable, Equatable {
        case outgoing(link: String)
        case incoming
    }

    package let direction: Direction
    package let localSite: String
    package weak var delegate: LinkSessionDelegate?
    let logger: Logger
    /// The router-wide cap on bytes links may make the router hold (shared by every link).
    package let budget: BufferBudget
    /// The link's state and every open stream's; `FlowStream` changes its own stream's here too.
    var machine: LinkStateMachine
    /// The handler moving each open stream's bytes (the same ids as `machine.streams`).
    private var flows: [UInt32: FlowStream] = [:]
    /// Streams given data since the link's last read completed: their TCP connections (in
    /// transit, the next link) are flushed then, once each. Only these: a walk over every open
    /// flow per read of the link cut a bulk flow to a quarter with 8,000 idle flows open.
    private var delivered = Set<UInt32>()
    /// The certificate the peer presented (DER), kept so its trust can be checked again later.
    package private(set) var peerCertificate: [UInt8]?
    package private(set) var peerKeys: Set<String> = []
    /// Link-state adverts and site summaries waiting to go to the peer: the newest from each origin.
    private var pendingLinkState = FloodQueue<LinkStateAdvert>()
    private var pendingSummaries = FloodQueue<SiteSummary>()
    private var context: ChannelHandlerContext?
    /// Frames sent since the last flush, to leave as one TLS record (`FrameBatch`).
    private var batch = FrameBatch()
    private var needsFlush = false
    /// A flush is scheduled for the end of this event-loop tick (`flushSoon`).
    private var flushScheduled = false
    private var keepaliveTimer: RepeatedTask?
    package private(set) var bytesIn = 0
    package private(set) var bytesOut = 0

    package init(direction: Direction, localSite: String, configuration: LinkConfiguration, delegate: LinkSessionDelegate,
                 logger: Logger, cost: Int = 1, budget: BufferBudget)
    {
        self.direction = direction
        self.localSite = localSite
        self.delegate = delegate
        self.logger = logger
        self.budget = budget
        machine = LinkStateMachine(configuration: configuration, dialler: direction != .incoming, cost: cost, now: .now())
    }

    /// What goes above TLS on a link's pipeline: the frame decoder, which hands this session each
    /// frame, then the session, for the channel's events. (The fuzzer feeds the same pair, so what
    /// it finds is what a peer can reach.)
    package var frameHandlers: [ChannelHandler] {
        [ByteToMessageHandler(FrameDecoderHandler(maxPayload: machine.configuration.maxFramePayload, session: self)), self]
    }

    // MARK: What the router reads

    package var isUp: Bool { machine.isUp }
    package var peerSite: String? { machine.peer?.site }
    package var peerIsEdge: Bool { machine.peer?.isEdge ?? false }
    package var peerVersion: String? { machine.peer?.version }
    /// The peer's HELLO said it reads SUMMARY frames.
    package var peerReadsSummaries: Bool { machine.peer?.readsSummaries ?? false }
    package var cost: Int { machine.cost }
    package var rtt: TimeAmount? { machine.rtt }
    package var closeReason: String? { machine.closeReason }
    package var openFlows: Int { machine.streams.count }
    package var streamParameters: StreamParameters { machine.parameters }
    /// This side has no stream id left: the link takes no new flow and closes once its last one ends.
    package var idsExhausted: Bool { machine.idsExhausted }
    /// Completes when the link's connection has closed and let go of its handlers.
    package var closeFuture: EventLoopFuture<Void>? { context?.channel.closeFuture }
    package var isWritable: Bool { context?.channel.isWritable ?? false }
    /// The peer's `IP:PORT` (`[IPv6]:PORT`), as an operator would type it.
    package var remoteAddress: String { context?.channel.remoteAddress?.hostPortText ?? "?" }

    /// The loop's clock (virtual in an `EmbeddedChannel`, so keepalive is tested without sleeping).
    private var now: NIODeadline { context?.eventLoop.now ?? .now() }

    /// The router's calls come from its loop, which is this channel's: checked, not assumed.
    private func onLoop() {
        context?.eventLoop.preconditionInEventLoop()
    }

    // MARK: Lifecycle

    package func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    /// The pipeline let go of this session (the connection closed, or a dial never connected):
    /// no timer and no context outlive it, whichever way the channel ended.
    package func handlerRemoved(context: ChannelHandlerContext) {
        keepaliveTimer?.cancel()
        keepaliveTimer = nil
        self.context = nil
        batch = FrameBatch()
    }

    package func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard keepaliveTimer == nil else { return }
        machine.started(at: context.eventLoop.now)
        let configuration = machine.configuration
        sendJSON(LinkHello(site: localSite, protocolVersion: Int(WireFormat.version), edge: delegate?.isEdgeRouter ?? false,
                           cost: machine.isDialler ? machine.cost : nil, window: configuration.initialWindow,
                           maxFrame: configuration.maxFramePayload, version: delegate?.softwareVersion, summaries: true), as: Frame.hello)
        advertise()
        let every = machine.tickInterval
        keepaliveTimer = context.eventLoop.scheduleRepeatedTask(initialDelay: every, delay: every) { [weak self] _ in
            self?.tick()
        }
    }

    private func tick() {
        switch machine.tick(at: now, linkWritable: isWritable) {
        case .none:
            break
        case .ping:
            send(.ping(ack: false, opaque: 0))
            flush()
        case .dead(let reason):
            logger.warning("link dead", metadata: ["peer": "\(remoteAddress)", "peerSite": "\(peerSite ?? "?")", "reason": "\(reason)"])
            _ = machine.close(reason: reason)
            // Routing must stop using the link now, not when TLS has finished saying goodbye to a
            // peer that is not listening.
            tearDown()
            context?.close(promise: nil)
        }
    }

    /// Ends every stream and reports the link down; runs once, whichever comes first.
    private func tearDown() {
        guard let torn = machine.tearDown() else { return }
        keepaliveTimer?.cancel()
        keepaliveTimer = nil
        budget.release(torn.released)
        let ended = flows
        flows = [:]
        for flow in ended.values { flow.abort() }
        delegate?.sessionDown(self, reason: torn.reason)
    }

    package func channelInactive(context: ChannelHandlerContext) {
        tearDown()
        self.context = nil
        context.fireChannelInactive()
    }

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let identified = event as? LinkPeerIdentified {
            peerCertificate = identified.certificate
            machine.identified(identified.identity)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    package func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let frameError = error as? FrameError {
            protocolViolation(.frame(frameError))
        } else {
            // A transport failure comes in words from the layer beneath (`LinkTransportFailure`).
            _ = machine.close(reason: "\(error)")
            context.close(promise: nil)
        }
    }

    /// Closes the link: GO_AWAY with `code`, then the connection (once; later calls do nothing).
    package func close(reason: String, code: LinkErrorCode) {
        onLoop()
        guard let context, machine.close(reason: reason) else { return }
        send(.goAway(code))
        flush()
        context.close(promise: nil)
    }

    private func protocolViolation(_ violation: LinkViolation) {
        logger.warning("link protocol error; closing", metadata: ["peer": "\(remoteAddress)", "error": "\(violation)"])
        close(reason: "protocol error: \(violation)", code: .protocolError)
    }

    package func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            let writable = machine.becameWritable()
            if let opaque = writable.pingAck {
                send(.ping(ack: true, opaque: opaque))
                flush()
            }
            // Readers first: resuming one only asks for a read, so it takes nothing from the
            // link now, and what it reads joins the queue as a fresh (small) sender.
            for id in writable.resumeReading { flows[id]?.updateReading() }
            drainWaiting()
        } else {
            // Bulk flows stop reading now, not at their next read: otherwise each one reads one
            // more window that the link cannot take, and a thousand flows hold a thousand windows.
            // Small senders read on, a quantum at most. Only streams that sent in this round can
            // have used their quantum; every other reads at most a quantum while the link is full
            // (`ReadLimit`). A walk over every open flow here cut a bulk flow to a quarter with
            // 8,000 idle flows open.
            for id in machine.sendersThisRound { flows[id]?.updateReading() }
        }
        context.fireChannelWritabilityChanged()
    }

    /// The link can write again: waiting streams send, a quantum each per visit, in the order the
    /// machine gives (small messages before bulk), until the link is full again or nothing waits.
    private func drainWaiting() {
        while isWritable, let id = machine.nextToSend() {
            flows[id]?.drainOut(quantum: LinkStateMachine.drainQuantum)
        }
        flush()
    }

    // MARK: Frames in

    /// A frame from the peer, from the link's `FrameDecoderHandler`.
    func received(_ frame: Frame) {
        guard let context, machine.frameArrived(at: context.eventLoop.now) else { return }
        logger.trace("frame in", metadata: ["frame": "\(frame)"])
        switch frame {
        case .data(let id, let flags, let payload):
            bytesIn += payload.readableBytes
            receivedData(id, flags: flags, payload: payload)
        case .windowUpdate(let id, let delta):
            switch machine.receivedWindowUpdate(stream: id, delta: delta) {
            case .send: flows[id]?.drainOut()
            case .ignore: break
            case .violation(let violation): protocolViolation(violation)
            }
        case .open(let id, let key, let destination):
            receivedOpen(id, routingKey: key, destination: destination)
        case .ping(let ack, let opaque):
            if case .answer(let opaque) = machine.receivedPing(ack: ack, opaque: opaque, at: context.eventLoop.now, linkWritable: isWritable) {
                send(.ping(ack: true, opaque: opaque))
            }
        case .goAway(let code):
            _ = machine.close(reason: "peer closed the link (\(code))")
            context.close(promise: nil)
        case .hello(let payload):
            guard let hello = decode(LinkHello.self, payload) else { return protocolViolation(.unreadable("hello")) }
            switch machine.receivedHello(hello) {
            case .violation(let violation):
                protocolViolation(violation)
            case .up(let peer):
                logger.info("link up", metadata: ["peer": "\(remoteAddress)", "peerSite": "\(peer.site)"])
                delegate?.sessionUp(self)
            }
        case .advert(let payload):
            guard let advert = decode(RouteAdvert.self, payload) else { return protocolViolation(.unreadable("advert")) }
            peerKeys = Set(advert.keys)
            delegate?.sessionKeysChanged(self)
        case .linkState(let payload):
            guard let adverts = LinkStateBatch.decode(payload.readableBytesView) else {
                return protocolViolation(.unreadable("link-state advert"))
            }
            guard adverts.allSatisfy(\.isWellFormed) else { return protocolViolation(.linkStateBeyondLimits) }
            delegate?.sessionReceivedLinkState(self, adverts)
        case .summary(let payload):
            guard let summaries = JSONBatch.decode(SiteSummary.self, payload.readableBytesView) else {
                return protocolViolation(.unreadable("site summary"))
            }
            if let problem = summaries.lazy.compactMap(SummaryLimits.problem).first { return protocolViolation(.summaryRefused(problem)) }
            // An edge site takes no part in flooding: it speaks for itself only.
            if peerIsEdge, let other = summaries.first(where: { $0.origin != peerSite }) {
                return protocolViolation(.summaryRefused("edge site \(peerSite ?? "?") sent a summary for \(other.origin)"))
            }
            delegate?.sessionReceivedSummaries(self, summaries, bytes: payload.readableBytes + WireFormat.headerSize)
        }
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        for id in delivered { flows[id]?.flushTCP() }
        delivered.removeAll(keepingCapacity: true)
        flush()
        context.fireChannelReadComplete()
    }

    private func receivedData(_ id: UInt32, flags: FrameFlags, payload: ByteBuffer) {
        switch machine.receivedData(stream: id, flags: flags, count: payload.readableBytes) {
        case .deliver(let fin):
            guard let flow = flows[id] else { return }
            flow.receive(payload, fin: fin)
            delivered.insert(id)
        case .abort(let end):
            // Out of the table first: ending the stream may close the link (its ids used up).
            let flow = flows.removeValue(forKey: id)
            streamEnded(id, end)
            flow?.abort()
        case .reset:
            sendControl(.reset(id))
        case .ignore:
            break
        case .violation(let violation):
            protocolViolation(violation)
        }
    }

    private func receivedOpen(_ id: UInt32, routingKey: String, destination: FlowDestination?) {
        switch machine.receivedOpen(stream: id) {
        case .violation(let violation):
            protocolViolation(violation)
        case .refuse:
            sendControl(.reset(id))
        case .accept:
            guard let context, let delegate else { return refuse(id) }
            let flow = FlowStream(id: id, routingKey: routingKey, session: self, loop: context.eventLoop, counters: nil,
                                  destination: destination)
            flows[id] = flow
            if !delegate.acceptStream(flow) {
                flows[id] = nil
                flow.abort()
                refuse(id)
            }
        }
    }

    /// Resets a stream the peer opened and the router would not take.
    private func refuse(_ id: UInt32) {
        machine.endStream(id).map { streamEnded(id, $0) }
        sendControl(.reset(id))
    }

    // MARK: Streams

    /// Opens a stream to the peer for a flow arriving at a listener; data may follow at once.
    /// `destination` names the router the flow is for when it may cross further links.
    package func openStream(routingKey: String, destination: FlowDestination? = nil, counters: FlowCounters) -> FlowStream? {
        onLoop()
        guard let context, let id = machine.openStream() else { return nil }
        let flow = FlowStream(id: id, routingKey: routingKey, session: self, loop: context.eventLoop, counters: counters,
                              destination: destination)
        flows[id] = flow
        send(.open(stream: id, routingKey: routingKey, destination: destination))
        if machine.idsExhausted {
            logger.notice("link used up its stream ids; it closes when its flows end and is dialled again",
                          metadata: ["peerSite": "\(peerSite ?? "?")"])
        }
        return flow
    }

    /// The next stream id (tests start a link near the end of the id space).
    package func skipStreamIDs(to id: UInt32) {
        machine.skipStreamIDs(to: id)
    }

    /// The stream `id` ended (its handler says so): what it held of the budget goes back, and a
    /// link with no id left closes once its last stream is gone.
    func endStream(_ id: UInt32) {
        flows[id] = nil
        machine.endStream(id).map { streamEnded(id, $0) }
    }

    private func streamEnded(_ id: UInt32, _ end: LinkStateMachine.StreamEnd) {
        budget.release(end.released)
        if end.closeLink { close(reason: "stream ids used up", code: .normal) }
    }

    // MARK: Frames out

    /// Advertises the routing keys reachable through this router (on start and whenever they change).
    package func advertise() {
        sendJSON(RouteAdvert(keys: (delegate?.advertisedKeys(for: self) ?? []).sorted()), as: Frame.advert)
        flush()
    }

    /// Queues a link-state advert (this router's or one being flooded on) for the peer, replacing
    /// an older one from the same origin still waiting. True when the queue was empty: the caller
    /// then arranges one `flushLinkState()` for everything queued until it runs.
    package func queueLinkState(_ advert: LinkStateAdvert) -> Bool {
        onLoop()
        return pendingLinkState.queue(advert)
    }

    /// Sends every queued advert in as few LINK_STATE frames as fit the link's frame limit (oldest
    /// origin name first, so the order is reproducible); returns how many frames went.
    @discardableResult
    package func flushLinkState() -> Int {
        onLoop()
        return send(pendingLinkState.drain(), as: Frame.linkState).frames
    }

    /// Queues a site summary (this site's or one being flooded on) for the peer, as
    /// `queueLinkState` does an advert; nothing goes to a peer that does not read summaries.
    package func queueSummary(_ summary: SiteSummary) -> Bool {
        onLoop()
        guard peerReadsSummaries else { return false }
        return pendingSummaries.queue(summary)
    }

    /// Sends every queued summary, as `flushLinkState` does adverts; returns the bytes that went.
    @discardableResult
    package func flushSummaries() -> Int {
        onLoop()
        return send(pendingSummaries.drain(), as: Frame.summary).bytes
    }

    /// Flooded messages in as few frames as fit the link's frame limit; returns how many frames and
    /// bytes (headers included) went.
    private func send(_ messages: [some Encodable], as frame: (ByteBuffer) -> Frame) -> (frames: Int, bytes: Int) {
        guard context != nil, !messages.isEmpty else { return (0, 0) }
        let payloads = JSONBatch.encode(messages, limit: min(JSONBatch.maxPayload, machine.parameters.maxFramePayload))
        for payload in payloads { sendPayload(payload, as: frame) }
        flush()
        return (payloads.count, payloads.reduce(0) { $0 + $1.count + WireFormat.headerSize })
    }

    /// Sends a frame the peer's own frames call for (RST), within the control backlog.
    private func sendControl(_ frame: Frame) {
        if let violation = machine.controlQueued(WireFormat.headerSize, linkWritable: isWritable) {
            return protocolViolation(violation)
        }
        send(frame)
    }

    package func send(_ frame: Frame) {
        guard let context else { return }
        // Sessions and their streams are confined to their channel's loop; checked in debug
        // builds (and so in every test run), free in release on this per-frame path.
        context.eventLoop.assertInEventLoop()
        logger.trace("frame out", metadata: ["frame": "\(frame)"])
        if case .data(_, _, let payload) = frame { bytesOut += payload.readableBytes }
        batch.add(frame, allocator: context.channel.allocator) { context.write(wrapOutboundOut($0), promise: nil) }
        needsFlush = true
    }

    package func flush() {
        guard needsFlush, let context else { return }
        needsFlush = false
        if let frames = batch.take() { context.write(wrapOutboundOut(frames), promise: nil) }
        context.flush()
    }

    /// Flushes at the end of this event-loop tick, once however many flows asked: the frames of
    /// every flow that read in this tick (new flows' OPENs, data, FINs) leave in one TLS record
    /// (`FrameBatch`) and one system call instead of one each. For the flow paths, where many flows share a link;
    /// control frames and closes flush at once (`flush`).
    ///
    /// Short flows' frames leave as soon as 1 KiB of them waits (`FrameBatch.isPrompt`): under a
    /// stream of new flows a tick can last milliseconds, and the peer would sit idle until it
    /// ended. Bulk data still waits for the end of the tick.
    package func flushSoon() {
        guard needsFlush else { return }
        if batch.isPrompt { return flush() }
        guard !flushScheduled, let context else { return }
        flushScheduled = true
        context.eventLoop.execute { [self] in
            flushScheduled = false
            flush()
        }
    }

    private func sendJSON<T: Encodable>(_ value: T, as make: (ByteBuffer) -> Frame) {
        onLoop()
        guard let data = try? JSONEncoder().encode(value) else { return }
        sendPayload(data, as: make)
    }

    /// Sends a control frame with `data` as its payload, within the control backlog.
    private func sendPayload(_ data: Data, as make: (ByteBuffer) -> Frame) {
        guard let context else { return }
        if let violation = machine.controlQueued(WireFormat.headerSize + data.count, linkWritable: isWritable) {
            return protocolViolation(violation)
        }
        var buffer = context.channel.allocator.buffer(capacity: data.count)
        buffer.writeBytes(data)
        send(make(buffer))
    }

    private func decode<T: Decodable>(_ type: T.Type, _ payload: ByteBuffer) -> T? {
        try? JSONDecoder().decode(type, from: Data(payload.readableBytesView))
    }
}
