/// How far a stream is from its end, as a pure value: each side's FIN, the TCP output, and the
/// close (clean, or by RST / link loss / TCP failure). Every event answers whether its consequence
/// is due now, once: a FIN is sent once, TCP output is half-closed once, the stream ends once,
/// and nothing happens after the end.
///
/// A stream ends cleanly when this side's FIN is sent, the peer's FIN arrived and the TCP output
/// has been half-closed after the last byte (in transit, the other stream's output instead).
package struct StreamLifecycle: Sendable, Hashable {
    /// Our TCP input ended: a FIN goes once the bytes before it have been sent.
    private(set) var finPending = false
    private(set) var finSent = false
    private(set) var remoteFinReceived = false
    /// TCP output half-closed (or, in transit, handed on): nothing more is written toward TCP.
    private(set) var outputClosed = false
    private(set) var isClosed = false

    /// This side's TCP input ended (the client or backend half-closed).
    mutating func inputEnded() {
        guard !isClosed else { return }
        finPending = true
    }

    /// Whether our FIN goes now: once, when it is pending and nothing sent before it waits.
    mutating func takeFin(nothingWaiting: Bool) -> Bool {
        guard !isClosed, finPending, !finSent, nothingWaiting else { return false }
        finSent = true
        return true
    }

    /// The peer's FIN arrived. False after the end (a FIN for a stream already ended is ignored).
    @discardableResult
    mutating func receivedFin() -> Bool {
        guard !isClosed else { return false }
        remoteFinReceived = true
        return true
    }

    /// Whether the TCP output is half-closed now: once, after the peer's FIN.
    mutating func takeOutputClose() -> Bool {
        guard !isClosed, remoteFinReceived, !outputClosed else { return false }
        outputClosed = true
        return true
    }

    /// Both FINs crossed and the output is closed: the stream ends cleanly.
    var isFinished: Bool { !isClosed && finSent && remoteFinReceived && outputClosed }

    /// Ends the stream (cleanly, by RST, link loss or TCP failure). True the first time only: the
    /// caller releases what the stream holds exactly once.
    mutating func close() -> Bool {
        guard !isClosed else { return false }
        isClosed = true
        return true
    }
}
