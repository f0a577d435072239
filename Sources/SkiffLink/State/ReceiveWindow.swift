/// The receiving side of one stream's flow control, as a value with no I/O: what the peer may
/// still send (credit), what this router holds of what it sent, and when to give credit back.
///
/// Every stream may always have its initial window outstanding (credit plus held bytes); what it
/// has beyond that, `budgetUse`, is what it reserves in the router's shared `BufferBudget`. So an
/// idle stream costs the budget nothing, and no number of idle streams can starve a busy one.
/// Credit goes back in batches once half a window is due. The window starts at the negotiated
/// initial size and doubles (up to `maxWindow`) each time a batch falls due while nothing is held,
/// that is while the local reader keeps up and the window is what limits the flow; a stalled reader
/// never grows its window.
package struct ReceiveWindow: Sendable, Hashable {
    /// The window the receiver currently allows.
    private(set) var window: Int
    /// The negotiated initial window: the stream's own share, outside the shared budget.
    let initial: Int
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
        self.initial = initial
        self.maxWindow = max(initial, maxWindow)
        credit = initial
    }

    /// What the stream draws from the shared budget: its outstanding bytes beyond its initial window.
    var budgetUse: Int { max(0, credit + held - initial) }

    /// Room within the stream's own share, before it needs the budget.
    var ownRoom: Int { closed ? 0 : max(0, initial - credit - held) }

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

    /// `count` held bytes were consumed; returns how much to release from the budget.
    mutating func consumed(_ count: Int) -> Int {
        let before = budgetUse
        held -= min(max(0, count), held)
        return before - budgetUse
    }

    /// The credit to grant now given `budgetRoom` left in the shared budget (0: nothing to send
    /// yet); `reserved` is what the grant draws from the budget. Sets `starved` when less than
    /// what is due could be granted.
    mutating func grant(budgetRoom: Int) -> (amount: Int, reserved: Int) {
        let before = budgetUse
        let amount = grant(room: ownRoom + min(max(0, budgetRoom), Int.max - ownRoom))
        return (amount, budgetUse - before)
    }

    private mutating func grant(room: Int) -> Int {
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

    /// The stream ended: returns what it drew from the budget, to release.
    mutating func close() -> Int {
        guard !closed else { return 0 }
        let used = budgetUse
        closed = true
        starved = false
        credit = 0
        held = 0
        return used
    }
}
