/// One stream of a link, as a value with no I/O: how far it is from its end (`StreamLifecycle`),
/// credit in both directions, and how many bytes wait to be sent.
///
/// The link's `LinkStateMachine` holds one per open stream and is the only thing that changes it;
/// the stream's handler (`FlowStream`) moves the bytes it is told to.
package struct StreamState: Sendable, Hashable {
    /// Each side's FIN, the TCP output and the end.
    package private(set) var lifecycle = StreamLifecycle()
    /// Bytes the peer still lets this side send.
    package private(set) var sendWindow: Int
    /// The receiving side: what the peer may still send and what this router holds of it.
    package private(set) var receive: ReceiveWindow
    /// Bytes read from TCP (in transit: received on the other stream) that wait to be sent.
    package private(set) var queued = 0
    /// Bytes sent in the link's current drain round, and which round that was.
    private var roundSent = RoundCount()
    /// A grant fell short for want of budget and the stream is queued for room.
    package private(set) var waitingForBudget = false

    init(parameters: StreamParameters) {
        sendWindow = parameters.initialWindow
        receive = ReceiveWindow(initial: parameters.initialWindow, maxWindow: parameters.maxWindow)
    }

    private struct RoundCount: Sendable, Hashable {
        var round: UInt64 = 0
        var bytes = 0
    }

    // MARK: Sending

    /// Bytes sent in round `round` (a count from an earlier round is stale: zero).
    func sentThisRound(_ round: UInt64) -> Int {
        roundSent.round == round ? roundSent.bytes : 0
    }

    mutating func queue(_ count: Int) {
        queued += count
    }

    mutating func inputEnded() {
        lifecycle.inputEnded()
    }

    /// The peer granted `delta` more bytes. False when that takes the window past what the
    /// protocol allows.
    mutating func granted(_ delta: UInt32) -> Bool {
        guard sendWindow + Int(delta) <= WireFormat.maxWindow else { return false }
        sendWindow += Int(delta)
        return true
    }

    /// How many of the `available` bytes at the front of the queue go in the next DATA frame, given
    /// `sent` this turn and a turn's `quantum`: 0 when the window, the turn or the queue is done.
    mutating func nextFrame(available: Int, sent: Int, quantum: Int, maxFrame: Int, round: UInt64) -> Int {
        let count = max(0, min(available, queued, sendWindow, maxFrame, quantum - sent))
        guard count > 0 else { return 0 }
        sendWindow -= count
        queued -= count
        roundSent = RoundCount(round: round, bytes: sentThisRound(round) + count)
        return count
    }

    /// Whether this side's FIN goes now: once, after every byte queued before it.
    mutating func takeFin() -> Bool {
        lifecycle.takeFin(nothingWaiting: queued == 0)
    }

    /// Bytes are left that the window would take but the link or the turn did not.
    var waitsForLink: Bool { queued > 0 && sendWindow > 0 }

    /// What the stream may read from TCP now: nothing while bytes wait or the window is shut; up to
    /// the window while the link can write; while it cannot, only what is left of this round's
    /// `quantum` (a small sender — a request, a reply — is not held behind bulk flows, and at most
    /// a quantum per stream waits in memory).
    func readAllowance(linkWritable: Bool, round: UInt64, quantum: Int) -> (ready: Bool, bytes: Int) {
        let ready = sendWindow > 0 && queued == 0 && !lifecycle.finPending
        guard ready else { return (false, 0) }
        return (true, linkWritable ? sendWindow : max(0, min(sendWindow, quantum - sentThisRound(round))))
    }

    // MARK: Receiving

    /// The peer sent `count` bytes, with its FIN when `fin`. False when it went past its credit.
    mutating func received(_ count: Int, fin: Bool) -> Bool {
        guard receive.received(count) else { return false }
        if fin { lifecycle.receivedFin() }
        return true
    }

    /// Whether TCP output is half-closed now: once, after the peer's FIN.
    mutating func takeOutputClose() -> Bool {
        lifecycle.takeOutputClose()
    }

    /// `count` held bytes were consumed: what to release from the router's budget.
    mutating func consumed(_ count: Int) -> Int {
        receive.consumed(count)
    }

    /// Credit to grant now with `budgetRoom` left in the router's budget, what it draws from the
    /// budget, and whether the stream must now queue for room (it fell short and was not queued).
    mutating func grant(budgetRoom: Int) -> CreditGrant {
        let (amount, reserved) = receive.grant(budgetRoom: budgetRoom)
        let queue = receive.starved && !waitingForBudget
        if queue { waitingForBudget = true }
        return CreditGrant(amount: amount, reserved: reserved, queueForBudget: queue)
    }

    /// The budget had room for this stream: it is no longer queued.
    mutating func budgetHadRoom() {
        waitingForBudget = false
    }

    /// The stream ends: what it drew from the budget, to release.
    mutating func close() -> Int {
        _ = lifecycle.close()
        return receive.close()
    }
}

/// Credit a stream gives back to its peer (WINDOW_UPDATE), and what it draws from the budget.
package struct CreditGrant: Sendable, Hashable {
    /// Bytes to grant (0: no frame now).
    package var amount: Int
    /// Bytes reserved in the router's budget by this grant.
    package var reserved: Int
    /// The grant fell short: queue the stream with the budget, to be called back when there is room.
    package var queueForBudget: Bool
}
