import Foundation
@testable import SkiffTelemetry
import Testing

@Suite("Throughput history")
struct ThroughputHistoryTests {
    static func view(at second: Double, services: [String: Double], link: Double = 0) -> NetworkView {
        NetworkView(formatVersion: 1, site: "west", generatedAt: Date(timeIntervalSince1970: second), sites: [],
                    links: [.init(from: "east", to: "west", name: "l", state: "up", cost: 1, rttMilliseconds: nil, rateForward: link,
                                  rateBack: link / 2, bytesForward: 0, bytesBack: 0, openFlows: 0)],
                    services: services.map { .init(routingKey: $0.key, listeners: [], connectors: [], reachable: true, openFlows: 0, rate: $0.value) })
    }

    @Test("samples come back oldest first, the ring keeping the last window only")
    func ring() {
        var history = ThroughputHistory(interval: 5, window: 20)
        #expect(history.capacity == 4)
        for tick in 1...6 { history.record(Self.view(at: Double(tick * 5), services: ["db": Double(tick)], link: Double(tick * 10))) }
        let report = history.report(seconds: 900)
        #expect(report.services["db"] == [3, 4, 5, 6])
        #expect(report.links["east>west"]?.forward == [30, 40, 50, 60])
        #expect(report.links["east>west"]?.back == [15, 20, 25, 30])
        #expect(report.times.map { Int($0.timeIntervalSince1970) } == [15, 20, 25, 30])
        #expect(history.report(seconds: 10).services["db"] == [5, 6], "the last 10 s: two samples")
    }

    @Test("the busiest services by default, the ones named when asked; a series quiet for a whole window and gone is forgotten")
    func choosing() {
        var history = ThroughputHistory(interval: 1, window: 3)
        history.record(Self.view(at: 1, services: ["a": 1, "b": 10, "c": 5, "idle": 0]))
        #expect(history.report(seconds: 3, top: 2).services.keys.sorted() == ["b", "c"])
        #expect(history.report(seconds: 3, services: ["a", "unknown"]).services.keys.sorted() == ["a"])
        #expect(history.report(seconds: 3, top: 10).services["idle"] == nil, "a series at zero is not among the busiest")
        for second in 2...5 { history.record(Self.view(at: Double(second), services: [:])) }
        #expect(history.report(seconds: 3, services: ["b"]).services.isEmpty, "b was last non-zero more than a window ago")
    }

    @Test("a query's numbers are clamped, never an error")
    func query() {
        let query = ThroughputQuery(uri: "/api/v1/throughput?seconds=-4&top=abc&service=web%20api&service=db&bogus")
        #expect(query.seconds == 1 && query.top == 10 && query.services == ["web api", "db"])
        #expect(ThroughputQuery(uri: "/x?seconds=99999999&top=5000").seconds == 86_400)
        #expect(ThroughputQuery(uri: "/x").queryString == "?seconds=900&top=10")
    }
}
