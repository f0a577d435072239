import NIOCore

/// One flow's stream on a link: the bridge between a local TCP connection (a listener's client or a
/// connector's service) and the stream, with per-stream credit flow control.
///
/// Sending: bytes read from TCP go out while the peer's window allows; beyond it the TCP channel
/// stops reading (`autoRead` off), so a slow receiver stalls this flow only. Receiving: bytes are
/// written to TCP, and credit goes back to the peer only once TCP has taken them, so a reader that
/// stops reading holds at most one window of this router's memory.
/// A flow crossing this router on its way elsewhere joins two streams instead (`join`): bytes
/// received on one are sent on the other, and credit goes back upstream only as the downstream
/// window lets them out, so flow control holds end to end and a transit router holds at most one
/// window per direction of such a flow.
/// All methods run on the router's event loop.
final class FlowStream: @unchecked Sendable {
    let id: UInt32
    let routingKey: String
    /// The router the flow is for, when the opener named one.
    let destination: FlowDestination?
    unowned let session: LinkSession
    /// Counters of the listener or connector this flow belongs to (for a stream the peer opened,
    /// set by `count(in:)` once the router has chosen where it goes).
    private(set) var counters: FlowCounters
    /// Flows this router sent toward one destination router (anycast balancing counts them).
    var routeCounters: FlowCounters? {
        didSet { routeCounters?.opened() }
    }
    private(set) var tcp: Channel?
    /// The other stream of a flow in transit through this router.
    private var transit: FlowStream?

    private var sendWindow: Int
    /// Receive credit the peer still has; going below zero is a protocol violation.
    private var receiveCredit: Int
    /// Bytes written to TCP and not yet given back as credit.
    private var unacknowledged = 0
    private var pendingOut = CircularBuffer<ByteBuffer>()
    private var pendingIn: [ByteBuffer] = []
    private var localFinPending = false
    private(set) var localFinSent = false
    private(set) var remoteFinReceived = false
    private var closed = false
    private var needsFlush = false
    /// Completes when everything written to TCP so far has been written: closing waits for it,
    /// since NIO fails writes still queued when a channel closes.
    private var lastWrite: EventLoopFuture<Void>?
    private var outputClosed = false

    /// `counters` nil: the stream counts nowhere until `count(in:)`.
    init(id: UInt32, routingKey: String, session: LinkSession, counters: FlowCounters?, window: Int, destination: FlowDestination? = nil) {
        self.id = id
        self.routingKey = routingKey
        self.destination = destination
        self.session = session
        self.counters = counters ?? FlowCounters()
        self.sendWindow = window
        self.receiveCredit = window
        counters?.opened()
    }

    /// Counts this flow in `counters` from now on (the connector it was given to, or transit).
    func count(in counters: FlowCounters) {
        self.counters = counters
        counters.opened()
    }

    var window: Int { session.tuning.streamWindow }

    /// Attaches the TCP connection; data that arrived before it is delivered now.
    func attach(_ channel: Channel) {
        tcp = channel
        let early = pendingIn
        pendingIn = []
        for payload in early { deliver(payload) }
        if remoteFinReceived { closeTCPOutput() }
        flushTCP()
        updateReading()
    }

    /// Joins two streams of a flow in transit: each sends on what the other receives.
    static func join(_ a: FlowStream, _ b: FlowStream) {
        a.transit = b
        b.transit = a
    }

    // MARK: TCP → link

    func readFromTCP(_ buffer: ByteBuffer) {
        counters.bytesIn += buffer.readableBytes
        pendingOut.append(buffer)
        drainOut()
    }

    func tcpInputClosed() {
        localFinPending = true
        drainOut()
    }

    func grant(_ delta: UInt32) {
        sendWindow += Int(delta)
        drainOut()
    }

    /// Sends what the window allows, then stops or resumes reading from TCP.
    func drainOut() {
        let limit = session.tuning.maxFramePayload
        while sendWindow > 0, var next = pendingOut.first {
            let count = min(next.readableBytes, sendWindow, limit)
            let slice = next.readSlice(length: count)!
            if next.readableBytes == 0 { pendingOut.removeFirst() } else { pendingOut[pendingOut.startIndex] = next }
            sendWindow -= count
            session.send(.data(stream: id, flags: [], payload: slice))
            // In transit, bytes that left count as consumed upstream: credit goes back there now.
            transit?.written(count)
        }
        if pendingOut.isEmpty, localFinPending, !localFinSent {
            localFinSent = true
            session.send(.data(stream: id, flags: .fin, payload: ByteBuffer()))
            finishIfDone()
        }
        updateReading()
    }

    /// Reads from TCP only while the window has room, nothing waits, and the link can take more.
    func updateReading() {
        guard let tcp, !closed else { return }
        let wanted = sendWindow > 0 && pendingOut.isEmpty && !localFinPending && session.isWritable
        tcp.setOption(ChannelOptions.autoRead, value: wanted).whenSuccess { if wanted { tcp.read() } }
    }

    // MARK: link → TCP

    /// Data (and FIN) from the peer. Returns false when the peer overran its window.
    func receive(_ payload: ByteBuffer, fin: Bool) -> Bool {
        receiveCredit -= payload.readableBytes
        guard receiveCredit >= 0 else { return false }
        if let transit {
            if payload.readableBytes > 0 { transit.readFromTCP(payload) }
            if fin {
                remoteFinReceived = true
                outputClosed = true
                transit.tcpInputClosed()
                finishIfDone()
            }
            return true
        }
        if payload.readableBytes > 0 {
            if tcp == nil { pendingIn.append(payload) } else { deliver(payload) }
        }
        if fin {
            remoteFinReceived = true
            if tcp != nil { closeTCPOutput() }
        }
        return true
    }

    private func deliver(_ payload: ByteBuffer) {
        guard let tcp else { return }
        let count = payload.readableBytes
        counters.bytesOut += count
        let promise = tcp.eventLoop.makePromise(of: Void.self)
        let budget = session.budget
        budget?.add(count)
        promise.futureResult.whenComplete { [weak self] result in
            budget?.remove(count)
            if case .success = result { self?.written(count) }
        }
        lastWrite = promise.futureResult
        tcp.write(payload, promise: promise)
        needsFlush = true
    }

    /// TCP (or, in transit, the next link) took `count` bytes: give credit back in batches of half a window.
    func written(_ count: Int) {
        guard !closed else { return }
        unacknowledged += count
        if unacknowledged >= window / 2 {
            session.send(.windowUpdate(stream: id, delta: UInt32(unacknowledged)))
            receiveCredit += unacknowledged
            unacknowledged = 0
            session.flush()
        }
    }

    func flushTCP() {
        if let transit { return transit.session.flush() }
        guard needsFlush, let tcp else { return }
        needsFlush = false
        tcp.flush()
    }

    /// Half-closes TCP once every byte before the FIN has been written.
    private func closeTCPOutput() {
        guard let tcp, !outputClosed else { return }
        outputClosed = true
        flushTCP()
        let written = lastWrite ?? tcp.eventLoop.makeSucceededVoidFuture()
        written.whenComplete { [weak self] _ in
            tcp.close(mode: .output, promise: nil)
            self?.finishIfDone()
        }
    }

    // MARK: Ending

    private func finishIfDone() {
        guard localFinSent, remoteFinReceived, outputClosed, !closed else { return }
        closed = true
        session.removeStream(id)
        tcp?.close(promise: nil)
        countClosed()
        transit = nil
    }

    private func countClosed() {
        counters.closed()
        routeCounters?.closed()
    }

    /// The peer reset the stream, or the link went down: drop the TCP connection at once.
    func abort() {
        guard !closed else { return }
        closed = true
        countClosed()
        tcp?.close(promise: nil)
        if let transit {
            self.transit = nil
            transit.transit = nil
            transit.tcpFailed()
        }
    }

    /// The TCP side failed or vanished before a clean close: reset the stream at the peer.
    func tcpFailed() {
        guard !closed else { return }
        closed = true
        countClosed()
        session.send(.reset(id))
        session.flush()
        session.removeStream(id)
    }

    var isClosed: Bool { closed }
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
