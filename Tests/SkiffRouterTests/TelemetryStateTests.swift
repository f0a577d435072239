import Foundation
@testable import SkiffRouter
import SkiffTelemetry
import Testing

/// What a router holds of other sites' summaries is bounded in all, not only per summary.
@Suite("Summaries held, in memory")
struct TelemetryStateTests {
    static func summary(_ origin: String, sequence: UInt64 = 1, endpoints: Int) -> SiteSummary {
        let endpoint = SiteSummary.Endpoint(name: "e", routingKey: "e", address: "127.0.0.1:1", ready: true, openFlows: 0, totalFlows: 0,
                                            bytesIn: 0, bytesOut: 0, rateIn: 0, rateOut: 0)
        return SiteSummary(origin: origin, sequence: sequence, edge: false, version: nil, interval: 5, links: [], listeners: [],
                           connectors: Array(repeating: endpoint, count: endpoints))
    }

    @Test("a peer inventing sites fills the budget, then is refused; the router's own summary always fits; ageing gives the room back")
    func budget() {
        var state = TelemetryState()
        let now = Date()
        let each = SummaryLimits.maxEndpoints
        var accepted = 0
        for index in 0..<20 where state.accept(Self.summary("fake\(index)", endpoints: each), now: now) { accepted += 1 }
        #expect(accepted == TelemetryState.maxWeight / (each + 1))
        #expect(state.weight <= TelemetryState.maxWeight && state.refused == 20 - accepted)
        var stored = state.accept(Self.summary("real", endpoints: each), now: now)
        #expect(!stored, "no room left")
        stored = state.accept(Self.summary("self", endpoints: 40), now: now, own: true)
        #expect(stored)
        // A newer summary from a held origin replaces the old one's weight, not adds to it.
        stored = state.accept(Self.summary("fake0", sequence: 2, endpoints: 10), now: now)
        #expect(stored)
        stored = state.accept(Self.summary("real", endpoints: each), now: now)
        #expect(stored, "fake0 shrank: there is room")
        stored = state.accept(Self.summary("real", endpoints: each), now: now)
        #expect(!stored, "the same sequence again is not newer")
        state.expire(now: now.addingTimeInterval(TelemetryState.maxAge + 1), keeping: "self")
        #expect(state.weight == TelemetryState.weight(of: Self.summary("self", endpoints: 40)))
        #expect(state.summaries.messages.keys.sorted() == ["self"])
    }
}
