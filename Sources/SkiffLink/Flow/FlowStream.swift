#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// The I/O of one flow's stream on a link: bytes between a local TCP connection (a listener's
/// client or a connector's service) and the stream, or, for a flow crossing this router, between
/// two streams (`join`).
///
/// What may move and when is the link's `LinkStateMachine`'s to say (this stream's `StreamState`
/// there): the send window, the receive window and the budget, FIN and RST. Sending: bytes read
/// from TCP go out while the peer's window allows; beyond it TCP stops being read, so a slow
/// receiver stalls this flow only. Receiving: every byte held counts against the router's
/// `BufferBudget` until TCP has taken it, and credit goes back to the peer only then, and only as
/// the budget has room. In transit, credit goes back upstream only as the downstream window lets
/// bytes out, so flow control holds end to end.
///
/// The link is held weakly: a stream outlives its link when the link dies while a connector dial is
/// in flight or a write completes, and then it is closed, never touched through a dangling link.
/// Everything runs on the link's event loop (checked at the entry points).
package final class FlowStream: @unchecked Sendable {
    package let id: UInt32
    package let routingKey: String
    /// The router the flow is for, when the opener named one.
    package let destination: FlowDestination?
    /// The link the stream is on; nil once the link is gone.
    package private(set) weak var session: LinkSession?
    private let loop: EventLoop
    private let budget: BufferBudget
    /// Counters of the listener or connector this flow belongs to (for a stream the peer opened,
    /// set by `count(in:)` once the router has chosen where it goes).
    private(set) var counters: FlowCounters
    /// Flows this router sent toward one destination router (anycast balancing counts them).
    package var routeCounters: FlowCounters? {
        didSet { routeCounters?.opened() }
    }
    private(set) var tcp: Channel?
    /// Caps each read from `tcp` at what the window can send at once (`FlowReadAllocator`).
    private var readLimit: ReadLimit?
    /// Whether `tcp` reads (autoRead), as last set: the option is touched only when it changes.
    private var reading: Bool?
    /// Calls off the connector dial under way for this stream (the dial, or the connection it
    /// made until it is attached) if the stream ends first.
    package var cancelDial: (@Sendable () -> Void)?
    /// The other stream of a flow in transit through this router.
    private var transit: FlowStream?
    /// Bytes read from TCP that wait for the window or the link (the machine counts them).
    private var pendingOut = CircularBuffer<ByteBuffer>()
    /// Bytes from the peer that arrived before the TCP connection was attached.
    private var pendingIn: [ByteBuffer] = []
    /// The stream has ended here: counted closed, its connections closed or closing.
    package private(set) var isClosed = false
    private var needsFlush = false
    /// Completes when everything written to TCP so far has been written (nil once it has): closing
    /// waits for it, since NIO fails writes still queued when a channel closes.
    private var lastWrite: EventLoopFuture<Void>?

    /// `counters` nil: the stream counts nowhere until `count(in:)`.
    init(id: UInt32, routingKey: String, session: LinkSession, loop: EventLoop, counters: FlowCounters?,
         destination: FlowDestination? = nil)
    {
        self.id = id
        self.routingKey = routingKey
        self.destination = destination
        self.session = session
        self.loop = loop
        budget = session.budget
        self.counters = counters ?? FlowCounters(loop: loop)
        counters?.opened()
    }

    /// Counts this flow in `counters` from now on (the connector it was given to, or transit).
    package func count(in counters: FlowCounters) {
        self.counters = counters
        counters.opened()
    }

    /// Attaches the TCP connection; data that arrived before it is delivered now. False when the
    /// stream already ended (its link died during the dial): the caller closes the connection.
    @discardableResult
    package func attach(_ channel: Channel) -> Bool {
        loop.preconditionInEventLoop()
        cancelDial = nil
        guard !isClosed, let session else { return false }
        tcp = channel
        let limit = ReadLimit(loop: channel.eventLoop, bytes: session.machine.streams[id]?.sendWindow ?? 0, link: session)
        readLimit = limit
        // On the channel's own loop the option is set at once, with no future to allocate.
        if let options = channel.syncOptions {
            try? options.setOption(ChannelOptions.recvAllocator, value: FlowReadAllocator(limit: limit))
        } else {
            channel.setOption(ChannelOptions.recvAllocator, value: FlowReadAllocator(limit: limit)).whenFailure { _ in }
        }
        let early = pendingIn
        pendingIn = []
        for payload in early { deliver(payload) }
        closeTCPOutput()
        flushTCP()
        updateReading()
        return true
    }

    /// Joins two streams of a flow in transit: each sends on what the other receives.
    package static func join(_ a: FlowStream, _ b: FlowStream) {
        a.transit = b
        b.transit = a
    }

    // MARK: TCP → link

    func readFromTCP(_ buffer: ByteBuffer) {
        loop.assertInEventLoop()
        guard buffer.readableBytes > 0, !isClosed, let session, session.machine.queue(buffer.readableBytes, on: id) else { return }
        counters.received(buffer.readableBytes)
        pendingOut.append(buffer)
        drainOut()
    }

    func tcpInputClosed() {
        session?.machine.inputEnded(on: id)
        drainOut()
    }

    /// Sends what the window allows while the link can write (at most `quantum` this turn), then
    /// stops or resumes reading from TCP. What the link cannot take now waits here (bounded by the
    /// window) and goes when the link drains, so a link's queue never grows past its high-water
    /// mark and a request on another stream waits behind at most that much.
    func drainOut(quantum: Int = .max) {
        loop.assertInEventLoop()
        guard !isClosed, let session else { return }
        var sent = 0
        while session.isWritable, var next = pendingOut.first {
            let count = session.machine.nextFrame(on: id, available: next.readableBytes, sent: sent, quantum: quantum)
            guard count > 0 else { break }
            sent += count
            let slice = next.readSlice(length: count)!
            if next.readableBytes == 0 { pendingOut.removeFirst() } else { pendingOut[pendingOut.startIndex] = next }
            session.send(.data(stream: id, flags: [], payload: slice))
            // In transit, bytes that left count as consumed upstream: credit goes back there now.
            transit?.written(count)
        }
        if session.machine.sendTurnEnded(on: id, sent: sent, quantum: quantum, linkWritable: session.isWritable) {
            session.send(.data(stream: id, flags: .fin, payload: ByteBuffer()))
            finishIfDone()
        }
        updateReading()
    }

    /// Reads from TCP only while the window has room and nothing waits to be sent, each read at
    /// most what the machine allows (`LinkStateMachine.reading`).
    func updateReading(force: Bool = false) {
        guard let tcp, !isClosed, let session else { return }
        let decision = session.machine.reading(on: id, linkWritable: session.isWritable)
        readLimit?.bytes = decision.allowance
        guard force || decision.wanted != reading else { return }
        reading = decision.wanted
        let wanted = decision.wanted
        // On the channel's own loop (always, but for tests' embedded channels) the option is set at
        // once: a future per change cost every new flow an allocation and a callback.
        guard let options = tcp.syncOptions else {
            return tcp.setOption(ChannelOptions.autoRead, value: wanted).whenSuccess { if wanted { tcp.read() } }
        }
        try? options.setOption(ChannelOptions.autoRead, value: wanted)
        if wanted { tcp.read() }
    }

    // MARK: link → TCP

    /// Data (and with `fin`, the peer's FIN after it) the machine accepted for this stream.
    func receive(_ payload: ByteBuffer, fin: Bool) {
        loop.assertInEventLoop()
        // A payload is a slice of a buffer read from the link, shared with other streams' bytes.
        // One that will be held (the next hop or TCP cannot take it now) is copied out, so a
        // stalled flow pins only its own bytes, never a whole link buffer.
        let payload = willHold ? Self.compacted(payload) : payload
        if let transit {
            if payload.readableBytes > 0 { transit.readFromTCP(payload) }
            // In transit the FIN is handed on: this side writes nothing more.
            if fin, session?.machine.takeOutputClose(on: id) == true {
                transit.tcpInputClosed()
                finishIfDone()
            }
            return
        }
        if payload.readableBytes > 0 {
            if tcp == nil { pendingIn.append(payload) } else { deliver(payload) }
        }
        if fin { closeTCPOutput() }
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
        counters.sent(count)
        let promise = tcp.eventLoop.makePromise(of: Void.self)
        let write = promise.futureResult
        write.whenComplete { [weak self] _ in
            guard let self else { return }
            if self.lastWrite === write { self.lastWrite = nil }
            self.written(count)
        }
        lastWrite = write
        tcp.write(payload, promise: promise)
        needsFlush = true
    }

    /// TCP (or, in transit, the next link) took `count` bytes: they leave the budget, and credit
    /// goes back to the peer in batches as the budget allows.
    package func written(_ count: Int) {
        loop.assertInEventLoop()
        guard let session else { return }
        budget.release(session.machine.consumed(count, on: id))
        grantCredit()
    }

    private func grantCredit() {
        guard !isClosed, let session, let grant = session.machine.grantCredit(on: id, budgetRoom: budget.available) else { return }
        budget.reserve(grant.reserved)
        if grant.amount > 0 {
            session.send(.windowUpdate(stream: id, delta: UInt32(grant.amount)))
            session.flush()
        }
        if grant.queueForBudget { budget.wait(self) }
    }

    /// The budget has room again (this stream was waiting for it).
    func budgetHasRoom() {
        session?.machine.budgetHadRoom(on: id)
        grantCredit()
    }

    func flushTCP() {
        if let transit { return transit.session?.flush() ?? () }
        guard needsFlush, let tcp else { return }
        needsFlush = false
        tcp.flush()
    }

    /// Sends what this flow wrote to its link at the end of the loop's tick, with every other
    /// flow's, or at once when short flows' frames have filled 1 KiB (`LinkSession.flushSoon`).
    package func flushLink() {
        session?.flushSoon()
    }

    /// Half-closes TCP once every byte before the peer's FIN has been written (once, and only
    /// after that FIN; before the connection is attached, `attach` does it). NIO makes it a full
    /// close when the connection's input has already ended.
    private func closeTCPOutput() {
        guard let tcp, session?.machine.takeOutputClose(on: id) == true else { return }
        flushTCP()
        guard let written = lastWrite else {
            tcp.close(mode: .output, promise: nil)
            return finishIfDone()
        }
        written.whenComplete { [weak self] _ in
            tcp.close(mode: .output, promise: nil)
            self?.finishIfDone()
        }
    }

    // MARK: Ending

    /// Both FINs crossed and the output is closed: the stream ends cleanly.
    private func finishIfDone() {
        guard let session, session.machine.isFinished(id) else { return }
        end()
        tcp?.close(promise: nil)
        transit = nil
    }

    /// Ends the stream here once: counters, any connector dial still in flight, and the link's
    /// state for it (the budget it held goes back).
    private func end() {
        guard !isClosed else { return }
        isClosed = true
        counters.closed()
        routeCounters?.closed()
        pendingIn = []
        pendingOut.removeAll()
        cancelDial?()
        cancelDial = nil
        session?.endStream(id)
    }

    /// The peer reset the stream, or the link went down: reset the TCP connection at once, so the
    /// application sees its flow fail rather than end (a clean FIN could pass for a whole reply).
    package func abort() {
        loop.preconditionInEventLoop()
        guard !isClosed else { return }
        end()
        resetTCP()
        if let transit {
            self.transit = nil
            transit.transit = nil
            transit.tcpFailed()
        }
    }

    /// The TCP side failed or vanished before a clean close: reset the stream at the peer.
    package func tcpFailed() {
        loop.preconditionInEventLoop()
        guard !isClosed else { return }
        if let session {
            session.send(.reset(id))
            session.flush()
        }
        end()
        tcp?.close(promise: nil)
    }

    /// Closes the TCP connection with RST (SO_LINGER 0) where it is a socket.
    private func resetTCP() {
        guard let tcp else { return }
        guard let socket = tcp as? SocketOptionProvider else { return tcp.close(promise: nil) }
        socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in tcp.close(promise: nil) }
    }

    /// The peer's FIN has arrived (a TCP connection that closes after it closed cleanly).
    var remoteFinReceived: Bool { session?.machine.remoteFinReceived(on: id) ?? false }
    /// What the stream holds of what the peer sent (tests, status).
    package var heldBytes: Int { session?.machine.streams[id]?.receive.held ?? 0 }
}
