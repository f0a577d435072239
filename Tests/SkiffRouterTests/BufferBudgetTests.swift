@testable import SkiffRouter
import Testing

@Suite("Router-wide buffer cap")
struct BufferBudgetTests {
    @Test("pauses above the cap, resumes below half of it, and never counts below zero")
    func hysteresis() {
        let budget = BufferBudget(high: 100)
        var events: [Bool] = []
        budget.onChange = { events.append($0) }
        budget.add(60)
        budget.add(30)
        #expect(events.isEmpty)
        budget.add(20)
        #expect(events == [true] && budget.paused)
        budget.add(50)
        #expect(events == [true], "no repeated pause")
        budget.remove(100)
        #expect(events == [true], "still above half the cap")
        budget.remove(20)
        #expect(events == [true, false] && !budget.paused)
        budget.remove(1000)
        #expect(budget.held == 0)
    }
}
