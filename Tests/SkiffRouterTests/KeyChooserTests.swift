@testable import SkiffRouter
import SkiffRouterAPI
import Testing

/// The pure tier: which key a MultiKeyListener's strategy picks, connection after connection.
@Suite("KeyChooser: Skupper's priority and weighted strategies")
struct KeyChooserTests {
    func picks(_ strategy: KeyStrategy, _ count: Int, reachable: Set<String>, chooser: inout KeyChooser) -> [String: Int] {
        var counts: [String: Int] = [:]
        for _ in 0..<count { if let key = chooser.choose(strategy, reachable: reachable.contains) { counts[key, default: 0] += 1 } }
        return counts
    }

    @Test("priority: every connection to the first reachable key; the next when it goes; none when none is reachable")
    func priority() {
        var chooser = KeyChooser()
        let strategy = KeyStrategy.priority(["primary", "secondary", "tertiary"])
        #expect(picks(strategy, 10, reachable: ["primary", "secondary"], chooser: &chooser) == ["primary": 10])
        #expect(picks(strategy, 10, reachable: ["secondary", "tertiary"], chooser: &chooser) == ["secondary": 10])
        #expect(picks(strategy, 10, reachable: ["tertiary"], chooser: &chooser) == ["tertiary": 10])
        #expect(chooser.choose(strategy, reachable: { _ in false }) == nil)
    }

    @Test("weighted: exact proportions over any whole round, never two of a weight-1 key in a row, zero never, unreachable keys out")
    func weighted() {
        var chooser = KeyChooser()
        let strategy = KeyStrategy.weighted([.init(routingKey: "a", weight: 1), .init(routingKey: "b", weight: 3), .init(routingKey: "z", weight: 0)])
        #expect(picks(strategy, 200, reachable: ["a", "b", "z"], chooser: &chooser) == ["a": 50, "b": 150])
        var sequence: [String] = []
        for _ in 0..<8 { sequence.append(chooser.choose(strategy, reachable: { _ in true })!) }
        #expect(sequence.filter { $0 == "a" }.count == 2, "\(sequence)")
        #expect(!zip(sequence, sequence.dropFirst()).contains { $0 == "a" && $1 == "a" }, "no bursts: \(sequence)")
        #expect(picks(strategy, 30, reachable: ["a"], chooser: &chooser) == ["a": 30], "b unreachable: a takes all")
        #expect(chooser.choose(.weighted([.init(routingKey: "z", weight: 0)]), reachable: { _ in true }) == nil, "weight 0 is never chosen")
        var fresh = KeyChooser()
        #expect(picks(.weighted([.init(routingKey: "x", weight: 2), .init(routingKey: "y", weight: 2)]), 10, reachable: ["x", "y"], chooser: &fresh) == ["x": 5, "y": 5])
    }
}
