@testable import SkiffLink
import Testing

@Suite("Router-wide buffer cap (credit budget)")
struct BufferBudgetTests {
    @Test("room is what is left under the limit; releases never go below zero; the peak is kept")
    func reserve() {
        let budget = BufferBudget(limit: 100)
        budget.reserve(60)
        #expect(budget.available == 40)
        budget.reserve(40)
        #expect(budget.available == 0 && budget.reserved == 100 && budget.peak == 100)
        budget.release(1000)
        #expect(budget.reserved == 0 && budget.available == 100 && budget.peak == 100)
    }

    @Test("a lowered limit applies to what is reserved from then on")
    func limitChange() {
        let budget = BufferBudget(limit: 100)
        budget.reserve(80)
        budget.limit = 50
        #expect(budget.available == 0)
        budget.limit = 200
        #expect(budget.available == 120)
    }
}

@Suite("Receive window: credit, held bytes, batching, growth, the budget share")
struct ReceiveWindowTests {
    let k = 1 << 10

    /// Grants with unlimited budget room; returns the amount.
    func grant(_ window: inout ReceiveWindow, room: Int = .max) -> Int {
        window.grant(budgetRoom: room).amount
    }

    @Test("the peer may send exactly its credit; one byte more is an overrun")
    func overrun() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 64 * k)
        let sent = window.received(64 * k)
        #expect(sent && window.credit == 0 && window.held == 64 * k)
        let over = window.received(1)
        #expect(!over)
    }

    @Test("credit goes back once half a window is consumed, in one batch")
    func batching() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 64 * k)
        _ = window.received(64 * k)
        _ = window.consumed(31 * k)
        #expect(grant(&window) == 0, "less than half a window due")
        _ = window.consumed(1 * k)
        #expect(grant(&window) == 32 * k)
        #expect(window.credit == 32 * k && window.due == 0)
    }

    @Test("a window exhausted and refilled many times never lets the peer past it")
    func refill() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 64 * k)
        for _ in 0..<100 {
            let ok = window.received(window.credit)
            #expect(ok && window.held + window.credit <= 64 * k)
            _ = window.consumed(window.held)
            _ = grant(&window)
        }
        #expect(window.credit == 64 * k)
    }

    @Test("the window doubles while nothing is held (the reader keeps up), up to the maximum; growth draws on the budget")
    func growth() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 256 * k)
        var grants: [Int] = []
        for _ in 0..<4 {
            _ = window.received(window.credit)
            _ = window.consumed(window.held)
            grants.append(grant(&window))
        }
        #expect(window.window == 256 * k)
        #expect(grants == [128 * k, 256 * k, 256 * k, 256 * k])
        #expect(window.budgetUse == 192 * k, "all but the initial window comes from the budget")
    }

    @Test("a stalled reader (bytes held) never grows its window")
    func noGrowthWhenHeld() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 1024 * k)
        _ = window.received(64 * k)
        _ = window.consumed(40 * k)
        #expect(grant(&window) == 40 * k)
        #expect(window.window == 64 * k && window.budgetUse == 0)
    }

    @Test("the initial window is the stream's own: with an empty budget it is still granted back in full")
    func ownShare() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 64 * k)
        _ = window.received(64 * k)
        _ = window.consumed(64 * k)
        let (amount, reserved) = window.grant(budgetRoom: 0)
        #expect(amount == 64 * k && reserved == 0 && !window.starved)
    }

    @Test("growth without budget room waits (starved), and goes out once there is room")
    func starved() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 256 * k)
        _ = window.received(64 * k)
        _ = window.consumed(64 * k)
        #expect(grant(&window) == 128 * k, "grown to 128 KiB")
        _ = window.received(128 * k)
        _ = window.consumed(128 * k)
        let short = window.grant(budgetRoom: 1 * k)
        #expect(short.amount == 65 * k && short.reserved == 1 * k, "its own 64 KiB and the 1 KiB the budget had")
        #expect(window.starved && window.window == 128 * k, "no growth without room")
        let rest = window.grant(budgetRoom: .max)
        #expect(rest.amount == 191 * k && rest.reserved == 191 * k, "the 63 KiB still due, and the growth it waited for")
        #expect(!window.starved && window.window == 256 * k && window.budgetUse == 192 * k)
    }

    @Test("consumption releases budget only beyond the stream's own share")
    func release() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 256 * k)
        _ = window.received(64 * k)
        _ = window.consumed(64 * k)
        _ = grant(&window)  // credit 128 KiB, 64 KiB of it from the budget
        _ = window.received(128 * k)
        #expect(window.consumed(32 * k) == 32 * k)
        #expect(window.consumed(96 * k) == 32 * k, "the last 64 KiB are the stream's own")
    }

    @Test("closing returns what the stream drew from the budget, once; later consumption releases nothing")
    func close() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 256 * k)
        _ = window.received(64 * k)
        _ = window.consumed(64 * k)
        _ = grant(&window)
        _ = window.received(10 * k)
        #expect(window.close() == 64 * k)
        #expect(window.close() == 0)
        #expect(window.consumed(10 * k) == 0)
        #expect(grant(&window) == 0)
    }
}
