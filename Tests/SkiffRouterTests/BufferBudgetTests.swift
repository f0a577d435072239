@testable import SkiffRouter
import Testing

@Suite("Router-wide buffer cap (credit budget)")
struct BufferBudgetTests {
    @Test("reserves within the limit, never more; releases never go below zero")
    func reserve() {
        let budget = BufferBudget(limit: 100)
        #expect(budget.reserve(upTo: 60) == 60)
        #expect(budget.reserve(upTo: 60) == 40, "only what is left under the limit")
        #expect(budget.reserve(upTo: 10) == 0 && budget.available == 0)
        budget.reserveAlways(50)
        #expect(budget.reserved == 150 && budget.peak == 150, "an initial window may overshoot")
        budget.release(1000)
        #expect(budget.reserved == 0 && budget.available == 100)
    }

    @Test("a lowered limit applies to what is reserved from then on")
    func limitChange() {
        let budget = BufferBudget(limit: 100)
        _ = budget.reserve(upTo: 80)
        budget.limit = 50
        #expect(budget.available == 0 && budget.reserve(upTo: 10) == 0)
        budget.limit = 200
        #expect(budget.reserve(upTo: 500) == 120)
    }
}

@Suite("Receive window: credit, held bytes, batching, growth")
struct ReceiveWindowTests {
    let k = 1 << 10

    @Test("the peer may send exactly its credit; one byte more is an overrun")
    func overrun() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 64 * k)
        let check1 = window.received(64 * k)
        #expect(check1)
        #expect(window.credit == 0 && window.held == 64 * k)
        let check2 = !window.received(1)
        #expect(check2)
    }

    @Test("credit goes back once half a window is consumed, in one batch")
    func batching() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 64 * k)
        let check3 = window.received(64 * k)
        #expect(check3)
        let check4 = window.consumed(31 * k) == 31 * k
        #expect(check4)
        let check5 = window.grant(room: .max) == 0
        #expect(check5, "less than half a window due")
        let check6 = window.consumed(1 * k) == 1 * k
        #expect(check6)
        let check7 = window.grant(room: .max) == 32 * k
        #expect(check7)
        #expect(window.credit == 32 * k && window.due == 0)
    }

    @Test("a window exhausted and refilled many times never lets the peer past it")
    func refill() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 64 * k)
        var inFlight = 0
        for _ in 0..<100 {
            let send = window.credit
            let check8 = window.received(send)
            #expect(check8)
            inFlight += send
            #expect(window.held + window.credit <= 64 * k)
            _ = window.consumed(inFlight)
            inFlight = 0
            _ = window.grant(room: .max)
        }
        #expect(window.credit == 64 * k)
    }

    @Test("the window doubles while nothing is held (the reader keeps up), up to the maximum")
    func growth() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 256 * k)
        var grants: [Int] = []
        for _ in 0..<4 {
            let check9 = window.received(window.credit)
            #expect(check9)
            _ = window.consumed(window.held)
            grants.append(window.grant(room: .max))
        }
        #expect(window.window == 256 * k)
        #expect(grants == [128 * k, 256 * k, 256 * k, 256 * k])
    }

    @Test("a stalled reader (bytes held) never grows its window")
    func noGrowthWhenHeld() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 1024 * k)
        let check10 = window.received(64 * k)
        #expect(check10)
        _ = window.consumed(40 * k)
        let check11 = window.grant(room: .max) == 40 * k
        #expect(check11)
        #expect(window.window == 64 * k)
    }

    @Test("without room the grant waits (starved), and goes out once there is")
    func starved() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 64 * k)
        let check12 = window.received(64 * k)
        #expect(check12)
        _ = window.consumed(64 * k)
        let check13 = window.grant(room: 1 * k) == 0
        #expect(check13, "below the smallest worthwhile grant")
        #expect(window.starved)
        let check14 = window.grant(room: 20 * k) == 20 * k
        #expect(check14)
        #expect(window.starved, "still short")
        let check15 = window.grant(room: .max) == 44 * k
        #expect(check15)
        #expect(!window.starved)
    }

    @Test("closing returns credit and held bytes once; later consumption releases nothing")
    func close() {
        var window = ReceiveWindow(initial: 64 * k, maxWindow: 64 * k)
        let check16 = window.received(10 * k)
        #expect(check16)
        let check17 = window.close() == 64 * k
        #expect(check17)
        let check18 = window.close() == 0
        #expect(check18)
        let check19 = window.consumed(10 * k) == 0
        #expect(check19)
        let check20 = window.grant(room: .max) == 0
        #expect(check20)
    }
}
