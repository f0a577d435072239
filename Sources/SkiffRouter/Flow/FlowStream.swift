import NIOCore

/// One flow's stream on a link: the bridge between a local TCP connection (a listener's client or a
/// connector's service) and the stream, with per-stream credit flow control.
///
/// Sending: bytes read from TCP go out while the peer's window allows; beyond it the TCP channel
/// stops reading (`autoRead` off), so a slow receiver stalls this flow only. Receiving: every byte
/// received counts against the router's `BufferBudget` until TCP has taken it, and credit goes back
/// to the peer only then, and only as the budget has room (`ReceiveWindow`): a reader that stops
/// reading holds at most its window, and a full budget stalls the flows that hold the bytes, never
/// the link.
/// A flow crossing this router on its way elsewhere joins two streams instead (`join`): bytes
/// received on one are sent on the other, and credit goes back upstream only as the downstream
/// window lets them out, so flow control holds end to end.
///
/// The link is held weakly: a stream outlives its link when the link dies while a connector dial is
/// in flight or a write completes, and then it is closed, never touched through a dangling link.
/// All methods run on the router's event loop.
final class FlowStream: @unchecked Sendable {
    let id: UInt32
    let routingKey: String
    /// The router the flow is for, when the opener named one.
    let destination: FlowDestination?
    /// The link the stream is on; nil once the link is gone.
    private(set) weak var session: LinkSession?
    private let budget: BufferBudget
    /// Largest DATA payload this side sends (negotiated in HELLO).
    private let maxFramePayload: Int
    /// Counters of the listener or connector this flow belongs to (for a stream the peer opened,
    /// set by `count(in:)` once the router has chosen where it goes).
    private(set) var counters: FlowCounters
    /// Flows this router sent toward one destination router (anycast balancing counts them).
    var routeCounters: FlowCounters? {
        didSet { routeCounters?.opened() }
    }
    private(set) var tcp: Channel?
    /// Caps each read from `tcp` at what the window can send at once (`FlowReadAllocator`).
    private var readLimit: ReadLimit?
    /// Whether `tcp` reads (autoRead), as last set: the option is touched only when it changes.
    private var reading: Bool?
    /// A connector connection being dialled for this stream: closed if the stream ends first.
    var dialling: Channel?
    /// The other stream of a flow in transit through this router.
    private var transit: FlowStream?

    /// Bytes the peer still lets us send.
    private var sendWindow: Int
    private var inbound: ReceiveWindow
    private var waitingForBudget = false
    private var pendingOut = CircularBuffer<ByteBuffer>()
    /// Bytes sent since the link last drained (`LinkSession.drainRound`): below one quantum the
    /// stream is a small sender (a request, a reply) and may read while the link is full.
    private var roundSent = (round: UInt64(0), bytes: 0)
    private var pendingIn: [ByteBuffer] = []
    /// Each side's FIN, the TCP output and the end (`StreamLifecycle`).
    private var lifecycle = StreamLifecycle()
    private var needsFlush = false
    /// Completes when everything written to TCP so far has been written: closing waits for it,
    /// since NIO fails writes still queued when a channel closes.
    private var lastWrite: EventLoopFuture<Void>?

    /// `counters` nil: the stream counts nowhere until `count(in:)`.
    init(id: UInt32, routingKey: String, session: LinkSession, counters: FlowCounters?, destination: FlowDestination? = nil) {
        self.id = id
        self.routingKey = routingKey
        self.destination = destination
        self.session = session
        self.budget = session.budget
        let parameters = session.streamParameters
        self.maxFramePayload = parameters.maxFramePayload
        self.counters = counters ?? FlowCounters()
        self.sendWindow = parameters.initialWindow
        self.inbound = ReceiveWindow(initial: parameters.initialWindow, maxWindow: parameters.maxWindow)
        counters?.opened()
    }

    /// Counts this flow in `counters` from now on (the connector it was given to, or transit).
    func count(in counters: FlowCounters) {
        self.counters = counters
        counters.opened()
    }

    /// Attaches the TCP connection; data that arrived before it is delivered now. False when the
    /// stream already ended (its link died during the dial): the caller closes the connection.
    @discardableResult
    func attach(_ channel: Channel) -> Bool {
        dialling = nil
        guard !lifecycle.isClosed else { return false }
        tcp = channel
        let limit = ReadLimit(loop: channel.eventLoop, bytes: sendWindow)
        readLimit = limit
        channel.setOption(ChannelOptions.recvAllocator, value: FlowReadAllocator(limit: limit)).whenFailure { _ in }
        let early = pendingIn
        pendingIn = []
        for payload in early { deliver(payload) }
        closeTCPOutput()
        flushTCP()
        updateReading()
        return true
    }

    /// Joins two streams of a flow in transit: each sends on what the other receives.
    static func join(_ a: FlowStream, _ b: FlowStream) {
        a.transit = b
        b.transit = a
    }

    // MARK: TCP → link

    func readFromTCP(_ buffer: ByteBuffer) {
        tcp?.eventLoop.assertInEventLoop()
        guard !lifecycle.isClosed else { return }
        counters.bytesIn += buffer.readableBytes
        pendingOut.append(buffer)
        drainOut()
    }

    func tcpInputClosed() {
        lifecycle.inputEnded()
        drainOut()
    }

    /// The peer granted `delta` more bytes. False when that would take the window past what the
    /// protocol allows (a protocol violation).
    func grant(_ delta: UInt32) -> Bool {
        guard sendWindow + Int(delta) <= WireFormat.maxWindow else { return false }
        sendWindow += Int(delta)
        drainOut()
        return true
    }

    /// Sends what the window allows while the link can write, then stops or resumes reading from
    /// TCP. What the link cannot take now waits here (bounded by the window) and goes when the link
    /// drains, so a link's queue never grows past its high-water mark and a request on another
    /// stream waits behind at most that much, not behind every stalled flow's window.
    @discardableResult
    func drainOut(quantum: Int = .max) -> Bool {
        guard !lifecycle.isClosed, let session else { return false }
        var sent = 0
        while sendWindow > 0, sent < quantum, session.isWritable, var next = pendingOut.first {
            let count = min(next.readableBytes, sendWindow, maxFramePayload, quantum - sent)
            sent += count
            let slice = next.readSlice(length: count)!
            if next.readableBytes == 0 { pendingOut.removeFirst() } else { pendingOut[pendingOut.startIndex] = next }
            sendWindow -= count
            countSent(count, session: session)
            session.send(.data(stream: id, flags: [], payload: slice))
            // In transit, bytes that left count as consumed upstream: credit goes back there now.
            transit?.written(count)
        }
        if lifecycle.takeFin(nothingWaiting: pendingOut.isEmpty) {
            session.send(.data(stream: id, flags: .fin, payload: ByteBuffer()))
            finishIfDone()
        }
        // Bytes left that the link could not take now, or past this turn's quantum: the link
        // serves them when it drains.
        if !pendingOut.isEmpty, sendWindow > 0, sent >= quantum || !session.isWritable {
            session.waitToSend(id, usedQuantum: sent >= quantum)
        }
        updateReading()
        return sent > 0
    }

    /// Bytes sent since the link last drained (a count from an earlier round is stale: zero).
    private func sentThisRound(_ session: LinkSession) -> Int {
        roundSent.round == session.drainRound ? roundSent.bytes : 0
    }

    private func countSent(_ count: Int, session: LinkSession) {
        roundSent = (session.drainRound, sentThisRound(session) + count)
    }

    /// What this stream may read now: up to its window while the link can write. While the link
    /// is full only a small sender reads, up to what is left of its quantum this round, so a
    /// request or reply is not held back behind bulk flows, and memory stays bounded (at most a
    /// quantum per stream waits; bulk streams stop at once).
    private func readAllowance(_ session: LinkSession) -> Int {
        guard !session.isWritable else { return sendWindow }
        return min(sendWindow, LinkSession.drainQuantum - sentThisRound(session))
    }

    /// Reads from TCP only while the window has room and nothing waits to be sent; each read takes
    /// at most `readAllowance`. A stream paused for the link alone is woken by the link.
    func updateReading(force: Bool = false) {
        guard let tcp, !lifecycle.isClosed else { return }
        let ready = sendWindow > 0 && pendingOut.isEmpty && !lifecycle.finPending
        let allowance = session.map(readAllowance) ?? 0
        let wanted = ready && allowance > 0
        // Paused for the link alone: nothing of this stream's own (credit, bytes sent) would
        // wake it, so the link does when it drains.
        if ready, !wanted { session?.resumeReadingWhenWritable(id) }
        readLimit?.bytes = max(allowance, 0)
        guard force || wanted != reading else { return }
        reading = wanted
        tcp.setOption(ChannelOptions.autoRead, value: wanted).whenSuccess { if wanted { tcp.read() } }
    }

    // MARK: link → TCP

    /// Data (and FIN) from the peer. Returns false when the peer overran its window.
    func receive(_ payload: ByteBuffer, fin: Bool) -> Bool {
        guard inbound.received(payload.readableBytes) else { return false }
        // A payload is a slice of a buffer read from the link, shared with other streams' bytes.
        // One that will be held (the next hop or TCP cannot take it now) is copied out, so a
        // stalled flow pins only its own bytes, never a whole link buffer.
        let payload = willHold ? Self.compacted(payload) : payload
        if let transit {
            if payload.readableBytes > 0 { transit.readFromTCP(payload) }
            // In transit the FIN is handed on: this side writes nothing more.
            if fin, lifecycle.receivedFin(), lifecycle.takeOutputClose() {
                transit.tcpInputClosed()
                finishIfDone()
            }
            return true
        }
        if payload.readableBytes > 0 {
            if tcp == nil { pendingIn.append(payload) } else { deliver(payload) }
        }
        if fin, lifecycle.receivedFin() { closeTCPOutput() }
        return true
    }

    /// Whether bytes received now would wait here rather than leave at once.
    private var willHold: Bool {
        if let transit { return !(transit.session?.isWritable ?? false) }
        return !(tcp?.isWritable ?? false)
    }

    private static func compacted(_ payload: ByteBuffer) -> ByteBuffer {
        guard payload.readableBytes > 0, payload.storageCapacity > payload.readableBytes else { return payload }
        var copy = ByteBufferAllocator().buffer(capacity: payload.readableBytes)
        copy.writeImmutableBuffer(payload)
        return copy
    }

    private func deliver(_ payload: ByteBuffer) {
        guard let tcp else { return }
        let count = payload.readableBytes
        counters.bytesOut += count
        let promise = tcp.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { [weak self] _ in self?.written(count) }
        lastWrite = promise.futureResult
        tcp.write(payload, promise: promise)
        needsFlush = true
    }

    /// TCP (or, in transit, the next link) took `count` bytes: they leave the budget, and credit
    /// goes back to the peer in batches as the budget allows.
    func written(_ count: Int) {
        budget.release(inbound.consumed(count))
        grantCredit()
    }

    private func grantCredit() {
        guard !lifecycle.isClosed, let session else { return }
        let (amount, reserved) = inbound.grant(budgetRoom: budget.available)
        budget.reserve(reserved)
        if amount > 0 {
            session.send(.windowUpdate(stream: id, delta: UInt32(amount)))
            session.flush()
        }
        if inbound.starved, !waitingForBudget {
            waitingForBudget = true
            budget.wait(self)
        }
    }

    /// The budget has room again (this stream was waiting for it).
    func budgetHasRoom() {
        waitingForBudget = false
        grantCredit()
    }

    func flushTCP() {
        if let transit { return transit.session?.flush() ?? () }
        guard needsFlush, let tcp else { return }
        needsFlush = false
        tcp.flush()
    }

    func flushLink() {
        session?.flush()
    }

    /// Half-closes TCP once every byte before the peer's FIN has been written (once, and only
    /// after that FIN; before the connection is attached, `attach` does it).
    private func closeTCPOutput() {
        guard let tcp, lifecycle.takeOutputClose() else { return }
        flushTCP()
        let written = lastWrite ?? tcp.eventLoop.makeSucceededVoidFuture()
        written.whenComplete { [weak self] _ in
            tcp.close(mode: .output, promise: nil)
            self?.finishIfDone()
        }
    }

    // MARK: Ending

    private func finishIfDone() {
        guard lifecycle.isFinished else { return }
        end()
        session?.removeStream(id)
        tcp?.close(promise: nil)
        transit = nil
    }

    /// Marks the stream closed once: counters, budget, and any connector dial still in flight.
    private func end() {
        guard lifecycle.close() else { return }
        counters.closed()
        routeCounters?.closed()
        budget.release(inbound.close())
        pendingIn = []
        pendingOut.removeAll()
        dialling?.close(promise: nil)
        dialling = nil
    }

    /// The peer reset the stream, or the link went down: drop the TCP connection at once.
    func abort() {
        guard !lifecycle.isClosed else { return }
        end()
        tcp?.close(promise: nil)
        if let transit {
            self.transit = nil
            transit.transit = nil
            transit.tcpFailed()
        }
    }

    /// The TCP side failed or vanished before a clean close: reset the stream at the peer.
    func tcpFailed() {
        guard !lifecycle.isClosed else { return }
        end()
        tcp?.close(promise: nil)
        guard let session else { return }
        session.send(.reset(id))
        session.flush()
        session.removeStream(id)
    }

    var isClosed: Bool { lifecycle.isClosed }
    var remoteFinReceived: Bool { lifecycle.remoteFinReceived }
    /// What the stream holds of what the peer sent (tests, status).
    var heldBytes: Int { inbound.held }
}

/// Flow counters of one listener or connector (also the link's totals).
final class FlowCounters: @unchecked Sendable {
    var open = 0
    var total = 0
    var bytesIn = 0
    var bytesOut = 0

    func opened() {
        open += 1
        total += 1
    }

    func closed() {
        open = max(0, open - 1)
    }
}
