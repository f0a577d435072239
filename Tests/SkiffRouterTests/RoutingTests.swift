import SkiffLink
import Foundation
import SkiffRouter
import Testing

/// Route computation and balancing as pure functions: topologies in, routes out. No sockets.
@Suite("Routing (pure)")
struct RoutingTests {
    /// Adverts for an undirected topology given as (a, b, cost) edges; every router serves its own name as a key.
    static func adverts(_ edges: [(String, String, Int)], keys: [String: [String]] = [:]) -> [String: LinkStateAdvert] {
        var neighbours: [String: [LinkStateAdvert.Neighbour]] = [:]
        for (a, b, cost) in edges {
            neighbours[a, default: []].append(.init(site: b, cost: cost))
            neighbours[b, default: []].append(.init(site: a, cost: cost))
        }
        return Dictionary(uniqueKeysWithValues: neighbours.map { site, list in
            (site, LinkStateAdvert(origin: site, sequence: 1, neighbours: list, keys: keys[site] ?? []))
        })
    }

    static func hops(_ table: RoutingTable) -> [String: String] { table.routes.mapValues { "\($0.nextHop)/\($0.cost)" } }

    @Test("line A–B–C–D: everything beyond B goes through B, costs add up")
    func line() {
        let table = RouteComputation.routes(from: "A", adverts: Self.adverts([("A", "B", 1), ("B", "C", 2), ("C", "D", 3)]))
        #expect(Self.hops(table) == ["B": "B/1", "C": "B/3", "D": "B/6"])
    }

    @Test("ring with costs: the cheaper way round wins; a tie goes to the lower next hop")
    func ring() {
        let ring = Self.adverts([("A", "B", 1), ("B", "C", 1), ("C", "D", 5), ("D", "A", 5)])
        #expect(Self.hops(RouteComputation.routes(from: "A", adverts: ring)) == ["B": "B/1", "C": "B/2", "D": "D/5"])
        let even = Self.adverts([("A", "B", 1), ("B", "C", 1), ("C", "D", 1), ("D", "A", 1)])
        #expect(RouteComputation.routes(from: "A", adverts: even)["C"]?.nextHop == "B")
        #expect(RouteComputation.routes(from: "C", adverts: even)["A"]?.nextHop == "B")
    }

    @Test("star: leaves reach each other through the hub")
    func star() {
        let star = Self.adverts([("hub", "a", 1), ("hub", "b", 1), ("hub", "c", 2)])
        #expect(Self.hops(RouteComputation.routes(from: "a", adverts: star)) == ["hub": "hub/1", "b": "hub/2", "c": "hub/3"])
    }

    @Test("mesh with a backup link: a cost of 9999 is used only when nothing cheaper remains")
    func meshWithBackup() {
        var edges = [("A", "B", 1), ("B", "C", 1), ("A", "C", 9999), ("C", "D", 1), ("B", "D", 4)]
        #expect(Self.hops(RouteComputation.routes(from: "A", adverts: Self.adverts(edges))) == ["B": "B/1", "C": "B/2", "D": "B/3"])
        edges.removeAll { $0.0 == "B" || $0.1 == "B" }
        #expect(Self.hops(RouteComputation.routes(from: "A", adverts: Self.adverts(edges))) == ["C": "C/9999", "D": "C/10000"])
    }

    @Test("a link counts only when both ends advertise it: a dead router's stale advert is not a path")
    func twoWayCheck() {
        var adverts = Self.adverts([("A", "B", 1), ("B", "C", 1)])
        // B died; A withdrew it, but B's last advert (listing A and C) lingers.
        adverts["A"] = LinkStateAdvert(origin: "A", sequence: 2, neighbours: [], keys: [])
        #expect(RouteComputation.routes(from: "A", adverts: adverts).routes.isEmpty)
        // Unequal costs: the higher counts.
        adverts = ["A": .init(origin: "A", sequence: 1, neighbours: [.init(site: "B", cost: 1)], keys: []),
                   "B": .init(origin: "B", sequence: 1, neighbours: [.init(site: "A", cost: 7)], keys: [])]
        #expect(RouteComputation.routes(from: "A", adverts: adverts)["B"]?.cost == 7)
    }

    @Test("a random 200-router mesh: every route's cost equals a brute-force shortest path")
    func randomMesh() {
        var generator = SeededGenerator(seed: 42)
        let names = (0..<200).map { "r\($0)" }
        var edges: [(String, String, Int)] = []
        for index in 1..<names.count {
            for _ in 0..<2 {
                edges.append((names[index], names[Int.random(in: 0..<index, using: &generator)], Int.random(in: 1...10, using: &generator)))
            }
        }
        let adverts = Self.adverts(edges)
        let table = RouteComputation.routes(from: "r0", adverts: adverts)
        #expect(table.routes.count == 199)
        // Bellman-Ford as the independent check.
        var distance = ["r0": 0]
        for _ in names {
            for (a, b, cost) in edges {
                for (from, to) in [(a, b), (b, a)] {
                    if let known = distance[from], known + cost < distance[to] ?? .max { distance[to] = known + cost }
                }
            }
        }
        #expect(table.routes.allSatisfy { distance[$0.key] == $0.value.cost })
    }

    @Test("10,000 routers: every router reached, costs symmetric (a→b as b→a), next hops adjacent; time printed")
    func tenThousandRouters() {
        var generator = SeededGenerator(seed: 11)
        let count = 10_000
        let names = (0..<count).map { "r\($0)" }
        var edges: [(String, String, Int)] = []
        for index in 1..<count {
            for _ in 0..<2 { edges.append((names[index], names[Int.random(in: 0..<index, using: &generator)], Int.random(in: 1...10, using: &generator))) }
        }
        let adverts = Self.adverts(edges)
        let started = Date()
        let table = RouteComputation.routes(from: "r0", adverts: adverts)
        let seconds = Date().timeIntervalSince(started)
        #expect(table.routes.count == count - 1)
        let neighbours = Set(adverts["r0"]?.neighbours.map(\.site) ?? [])
        #expect(table.routes.values.allSatisfy { neighbours.contains($0.nextHop) })
        for other in ["r17", "r4242", "r9999"] {
            #expect(RouteComputation.routes(from: other, adverts: adverts)["r0"]?.cost == table[other]?.cost)
        }
        print("route computation: \(count) routers, \(edges.count) links: \(String(format: "%.3f", seconds)) s (this build)")
    }

    @Test("balancing: lowest open flows + cost; local connectors win ties by rotation; backups only when alone")
    func balancing() {
        let b = AnycastBalancer.Candidate(destination: "B", cost: 1, openFlows: 3)
        let c = AnycastBalancer.Candidate(destination: "C", cost: 2, openFlows: 1)
        #expect(AnycastBalancer.choose([b, c], turn: 0)?.destination == "C")
        let tiedB = AnycastBalancer.Candidate(destination: "B", cost: 1, openFlows: 0)
        let tiedC = AnycastBalancer.Candidate(destination: "C", cost: 1, openFlows: 0)
        let picks = (0..<10).compactMap { AnycastBalancer.choose([tiedB, tiedC], turn: $0)?.destination }
        #expect(picks.filter { $0 == "B" }.count == 5)
        let backup = AnycastBalancer.Candidate(destination: "C", cost: 9999, openFlows: 0)
        #expect(AnycastBalancer.choose([.init(destination: "B", cost: 1, openFlows: 500), backup], turn: 1)?.destination == "B")
        #expect(AnycastBalancer.choose([backup], turn: 1)?.destination == "C")
        #expect(AnycastBalancer.choose([], turn: 0) == nil)
    }

    @Test("balancing as skupper-router: an idle connector here wins outright, then an idle attached edge; busy ones compete with remote routers by open flows + cost")
    func balancingSkupper() {
        let here = AnycastBalancer.Candidate(destination: "connector/a", cost: 0, openFlows: 0, place: .own)
        let edge = AnycastBalancer.Candidate(destination: "edge/e", cost: 0, openFlows: 0, place: .attached)
        let remote = AnycastBalancer.Candidate(destination: "router/r", cost: 1, openFlows: 0, place: .remote)
        func chosen(_ candidates: [AnycastBalancer.Candidate], turn: Int = 0) -> String? {
            AnycastBalancer.choice(among: candidates, turn: turn).map { candidates[$0].destination }
        }
        for turn in 0..<4 {
            // Listed in any order: the place decides, not the position.
            #expect(chosen([remote, edge, here], turn: turn) == "connector/a")
        }
        var busy = here
        busy.openFlows = 2
        #expect(chosen([busy, edge, remote]) == "edge/e")
        var busyEdge = edge
        busyEdge.openFlows = 3
        // connector 2 + 0, edge 3 + 0, router 0 + 1: the remote router, although a connector is here.
        #expect(chosen([busy, busyEdge, remote]) == "router/r")
        var loadedRemote = remote
        loadedRemote.openFlows = 5
        #expect(chosen([busy, busyEdge, loadedRemote]) == "connector/a")
        // An idle remote router is no local consumer: it does not win outright.
        var idleRemoteCheap = remote
        idleRemoteCheap.cost = 0
        #expect(chosen([busy, idleRemoteCheap]) == "router/r")
        #expect(chosen([]) == nil)
        // Two idle connectors here take turns, in order of name, whatever their order in the list.
        let other = AnycastBalancer.Candidate(destination: "connector/b", cost: 0, openFlows: 0, place: .own)
        #expect((0..<4).map { chosen([other, here, remote], turn: $0) } == ["connector/a", "connector/b", "connector/a", "connector/b"])
    }

    @Test("a flow's hop budget shrinks by one per transit router and runs out")
    func hopBudget() {
        let start = FlowDestination(site: "C")
        #expect(start.hopsLeft == WireFormat.maxHops)
        #expect(start.nextHop?.hopsLeft == WireFormat.maxHops - 1)
        #expect(FlowDestination(site: "C", hopsLeft: 1).nextHop?.nextHop == nil)
    }

    @Test("the database keeps the newest advert per origin and ages out the silent ones, never its own")
    func database() {
        var database = LinkStateDatabase(maxAge: 30)
        let start = Date(timeIntervalSince1970: 1_000)
        let accepted = [(5, "x"), (5, "y"), (4, "y"), (6, "z")].map { sequence, key in
            database.accept(.init(origin: "B", sequence: UInt64(sequence), neighbours: [], keys: [key]), now: start)
        }
        #expect(accepted == [true, false, false, true])
        #expect(database.advert(from: "B")?.keys == ["z"])
        database.accept(.init(origin: "A", sequence: 1, neighbours: [], keys: []), now: start)
        let early = database.expire(now: start.addingTimeInterval(20), keeping: "A")
        let late = database.expire(now: start.addingTimeInterval(31), keeping: "A")
        #expect(early.isEmpty && late == ["B"])
        #expect(database.advert(from: "A") != nil)
    }
}

/// A small deterministic generator (SplitMix64), so a random topology is the same every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
