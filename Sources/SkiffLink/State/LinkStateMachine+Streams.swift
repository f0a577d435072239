/// A stream's own events: what its handler (`FlowStream`) asks before it moves bytes. Each takes
/// the stream's id and does nothing for a stream that is not open (it ended, or its link did).
extension LinkStateMachine {
    /// Opens a stream toward the peer: its id, or nil when the link is not up, holds its maximum of
    /// streams, or has used up this side's ids.
    package mutating func openStream() -> UInt32? {
        guard isUp, streams.count < configuration.maxStreams, let id = ids.allocate() else { return nil }
        streams[id] = StreamState(parameters: parameters)
        return id
    }

    /// Starts this side's ids at `id` (tests start a link near the end of the id space).
    package mutating func skipStreamIDs(to id: UInt32) {
        ids.skip(to: id)
    }

    /// What a stream's end leaves to do.
    package struct StreamEnd: Sendable, Hashable {
        /// Bytes of the router's budget the stream held: release them.
        package var released: Int
        /// The link has used up this side's ids and this was its last stream: close the link
        /// (normally), to be dialled again with fresh ids.
        package var closeLink: Bool
    }

    /// Stream `id` ends (cleanly, reset, or failed): nil when it was not open.
    package mutating func endStream(_ id: UInt32) -> StreamEnd? {
        guard var stream = streams.removeValue(forKey: id) else { return nil }
        sendQueue.remove(id)
        pausedReaders.remove(id)
        readShare.ended(id)
        sendersThisRound.remove(id)
        return StreamEnd(released: stream.close(), closeLink: ids.exhausted && streams.isEmpty)
    }

    // MARK: Sending

    /// `count` bytes read for stream `id` wait to be sent. False when it is not open.
    package mutating func queue(_ count: Int, on id: UInt32) -> Bool {
        guard withStream(id, { $0.queue(count) }) != nil else { return false }
        readShare.read(count, on: id)
        return true
    }

    /// The stream's input ended: its FIN goes after the bytes queued before it.
    package mutating func inputEnded(on id: UInt32) {
        withStream(id) { $0.inputEnded() }
    }

    /// How many of the `available` bytes at the front of stream `id`'s queue go in its next DATA
    /// frame, `sent` having gone this turn (a turn sends at most `quantum`): 0 to stop.
    package mutating func nextFrame(on id: UInt32, available: Int, sent: Int, quantum: Int) -> Int {
        let (maxFrame, round) = (parameters.maxFramePayload, drainRound)
        let count = withStream(id) { $0.nextFrame(available: available, sent: sent, quantum: quantum, maxFrame: maxFrame, round: round) } ?? 0
        if count > 0 { sendersThisRound.insert(id) }
        return count
    }

    /// Stream `id`'s turn ended after `sent` bytes: whether its FIN goes now. Bytes left that the
    /// window would take but the link (or the turn's `quantum`) did not queue it to be served when
    /// the link drains — behind the small senders when it used its whole quantum.
    package mutating func sendTurnEnded(on id: UInt32, sent: Int, quantum: Int, linkWritable: Bool) -> Bool {
        guard let (fin, waits) = withStream(id, { ($0.takeFin(), $0.waitsForLink) }) else { return false }
        if waits, sent >= quantum || !linkWritable {
            sendQueue.wait(id, usedQuantum: sent >= quantum)
        }
        return fin
    }

    /// Whether stream `id` reads from TCP now, and at most how much per read.
    package struct Reading: Sendable, Hashable {
        package var wanted: Bool
        package var allowance: Int
    }

    /// What stream `id` may read now (`StreamState.readAllowance`). A stream that would read but
    /// for a link that cannot write is woken when the link drains.
    package mutating func reading(on id: UInt32, linkWritable: Bool) -> Reading {
        guard let stream = streams[id] else { return Reading(wanted: false, allowance: 0) }
        let (ready, allowance) = stream.readAllowance(linkWritable: linkWritable, round: drainRound, quantum: Self.drainQuantum)
        if ready, allowance == 0 { pausedReaders.insert(id) }
        return Reading(wanted: ready && allowance > 0, allowance: min(allowance, readShare.bytes))
    }

    // MARK: Receiving

    /// Whether stream `id`'s TCP output (in transit: the next stream's input) closes now: once,
    /// after the peer's FIN and every byte before it.
    package mutating func takeOutputClose(on id: UInt32) -> Bool {
        withStream(id) { $0.takeOutputClose() } ?? false
    }

    /// Both FINs crossed on stream `id` and its output is closed: it ends cleanly.
    package func isFinished(_ id: UInt32) -> Bool {
        streams[id]?.lifecycle.isFinished ?? false
    }

    /// The peer's FIN on stream `id` has arrived.
    package func remoteFinReceived(on id: UInt32) -> Bool {
        streams[id]?.lifecycle.remoteFinReceived ?? false
    }

    /// `count` bytes held for stream `id` were consumed (written to TCP, or sent on by the next
    /// link): what to release from the router's budget.
    package mutating func consumed(_ count: Int, on id: UInt32) -> Int {
        withStream(id) { $0.consumed(count) } ?? 0
    }

    /// The credit stream `id` gives back now, with `budgetRoom` left in the router's budget.
    package mutating func grantCredit(on id: UInt32, budgetRoom: Int) -> CreditGrant? {
        withStream(id) { $0.grant(budgetRoom: budgetRoom) } ?? nil
    }

    /// The router's budget called stream `id` back: it is no longer queued there.
    package mutating func budgetHadRoom(on id: UInt32) {
        withStream(id) { $0.budgetHadRoom() }
    }

    /// Changes stream `id`'s state where it is stored; nil when the stream is not open. Not
    /// `streams[id]?.change()`: Dictionary's keyed accessor moves a value of this size out into an
    /// optional and back, in an accessor frame it allocates on the heap, every time — several times
    /// per frame and per new flow. An index reaches the stored value in place.
    @discardableResult
    @inline(__always)
    mutating func withStream<Result>(_ id: UInt32, _ change: (inout StreamState) -> Result) -> Result? {
        guard let index = streams.index(forKey: id) else { return nil }
        return change(&streams.values[index])
    }
}
