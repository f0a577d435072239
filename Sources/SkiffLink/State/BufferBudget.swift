import NIOCore

/// The router-wide cap on bytes links may make this router hold, enforced through credit.
///
/// A stream's outstanding bytes are its credit (what its peer may still send) plus what it holds
/// (received, not yet taken by the local TCP connection or the next link). Up to its initial
/// window they are its own (the peer may send that much unasked); everything beyond is reserved
/// here before it is granted (`ReceiveWindow.budgetUse`). Past the limit, streams that want to
/// grant more wait here instead, so only the flows that hold bytes stall; the links stay read, so
/// control frames and other flows keep moving. When held bytes drain, the waiting streams are
/// granted in the order they asked. In all, links can make the router hold at most the limit plus
/// one initial window per open stream; idle streams cost the budget nothing.
///
/// Used only on the router's event loop: every change checks it (in debug builds, so in every
/// test and sanitizer run; free in release on these per-grant paths).
package final class BufferBudget: @unchecked Sendable {
    /// The cap; a tuning change sets it on the live budget, so existing links are capped at once.
    package var limit: Int {
        didSet {
            loop?.assertInEventLoop()
            wakeWaiters()
        }
    }
    /// The loop the budget is confined to (nil: a budget of a test, touched from one thread).
    private let loop: EventLoop?
    /// Bytes reserved: credit granted to peers plus bytes held.
    package private(set) var reserved = 0
    /// The most reserved at once since start (status, tests).
    package private(set) var peak = 0
    private var waiting = CircularBuffer<Waiter>()

    /// A stream waiting for room; weak, so a stream that ends while waiting is simply skipped.
    private struct Waiter {
        weak var stream: FlowStream?
    }

    package init(limit: Int, loop: EventLoop? = nil) {
        self.limit = limit
        self.loop = loop
    }

    /// Room left under the limit.
    package var available: Int { max(0, limit - reserved) }

    /// Reserves `count` bytes a stream's grant draws (`ReceiveWindow.grant(budgetRoom:)` keeps
    /// it within `available`).
    package func reserve(_ count: Int) {
        loop?.assertInEventLoop()
        add(count)
    }

    /// Returns `count` reserved bytes (consumed, or credit the stream will never use).
    package func release(_ count: Int) {
        loop?.assertInEventLoop()
        reserved = max(0, reserved - count)
        wakeWaiters()
    }

    /// `stream` wants to grant credit and found no room: it is called back when there is.
    func wait(_ stream: FlowStream) {
        loop?.assertInEventLoop()
        waiting.append(Waiter(stream: stream))
    }

    package var waitingCount: Int { waiting.count }

    private func add(_ count: Int) {
        reserved += count
        peak = max(peak, reserved)
    }

    /// Hands room to waiting streams in order, while there is room; each one either takes credit
    /// or waits again, and is tried at most once per call, so this always ends.
    private func wakeWaiters() {
        var rounds = waiting.count
        while rounds > 0, available > 0, let next = waiting.popFirst() {
            rounds -= 1
            next.stream?.budgetHasRoom()
        }
    }
}
