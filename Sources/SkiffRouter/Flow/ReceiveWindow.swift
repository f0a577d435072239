/// The receiving side of one stream's flow control, as a value with no I/O: what the peer may
/// still send (credit), what this router holds of what it sent, and when to give credit back.
///
/// Invariant: `credit + held` is what the stream has reserved in the router's `BufferBudget`.
/// Credit goes back in batches once half a window is due. The window starts at the negotiated
/// initial size and doubles (up to `maxWindow`) each time a batch falls due while nothing is held,
/// that is while the local reader keeps up and the window is what limits the flow; a stalled reader
/// never grows its window.
struct ReceiveWindow: Sendable, Hashable {
    /// The window the receiver currently allows.
    private(set) var window: Int
    let maxWindow: Int
    /// Bytes the peer may still send.
    private(set) var credit: Int
    /// Bytes received and not yet consumed (written to TCP, or sent on by a transit router).
    private(set) var held = 0
    /// A grant fell short for want of budget: grant what is due as soon as there is room.
    private(set) var starved = false
    private(set) var closed = false

    /// Smallest grant worth a frame when the budget is tight.
    static let minimumGrant = 16 << 10

    init(initial: Int, maxWindow: Int) {
        window = initial
        self.maxWindow = max(initial, maxWindow)
        credit = initial
    }

    /// Credit due to the peer: what it has neither in flight nor held here.
    var due: Int { closed ? 0 : max(0, window - credit - held) }

    /// The peer sent `count` bytes. False when it went past its credit (a protocol violation).
    mutating func received(_ count: Int) -> Bool {
        guard !closed else { return true }
        guard count <= credit else { return false }
        credit -= count
        held += count
        return true
    }

    /// `count` held bytes were consumed; returns how many to release from the budget.
    mutating func consumed(_ count: Int) -> Int {
        let released = min(max(0, count), held)
        held -= released
        return released
    }

    /// The credit to grant now given `room` in the budget (0: nothing to send yet). Sets `starved`
    /// when less than what is due could be granted.
    mutating func grant(room: Int) -> Int {
        guard !closed else { return 0 }
        var wanted = due
        guard wanted >= window / 2 || (starved && wanted > 0) else { return 0 }
        if held == 0, window < maxWindow {
            let growth = min(window, maxWindow - window)
            if room >= wanted + growth {
                window += growth
                wanted += growth
            }
        }
        var amount = min(wanted, room)
        if amount < min(wanted, Self.minimumGrant) { amount = 0 }
        credit += amount
        starved = amount < wanted
        return amount
    }

    /// The stream ended: everything it reserved (credit and held bytes) goes back to the budget.
    mutating func close() -> Int {
        guard !closed else { return 0 }
        closed = true
        starved = false
        let reserved = credit + held
        credit = 0
        held = 0
        return reserved
    }
}
