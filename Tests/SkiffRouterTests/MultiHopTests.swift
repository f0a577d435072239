import Foundation
import SkiffRouter
import SkiffRouterAPI
import SkiffTestSupport
import Testing

/// Link-state routing across real router processes: transit, failover, anycast, edge sites.
@Suite("Routing across router processes", .serialized)
struct MultiHopTests {
    /// Ring A–B–C–D (costs 1, 1, 5, 5), a listener at A and a connector at C, started; A routes through B.
    static func ring() throws -> (RouterNetwork, Int) {
        let network = try RouterNetwork(["A", "B", "C", "D"])
        network.link("A", "B", cost: 1)
        network.link("B", "C", cost: 1)
        network.link("C", "D", cost: 5)
        network.link("D", "A", cost: 5)
        let port = try network.listener("A", key: "echo")
        try network.connector("C", key: "echo")
        try network.start()
        #expect(eventually(timeout: 15) { network.route("A", "C") == "B/2" })
        return (network, port)
    }

    @Test("line A–B–C: a flow from A's listener reaches C's connector through B, intact, with flow control end to end")
    func line() throws {
        let network = try RouterNetwork(["A", "B", "C"])
        network.link("A", "B")
        network.link("C", "B")
        let port = try network.listener("A", key: "echo")
        try network.connector("C", key: "echo")
        try network.start()
        #expect(eventually(timeout: 15) { network.route("A", "C") == "B/2" }, "A routes to C through B: \(network.log("A"))")
        #expect(eventually(timeout: 5) { network.status("A")?.listeners.first?.hasMatchingConnector == true })
        #expect(network.status("A")?.routing?.services["echo"] == ["C"])
        #expect(network.status("B")?.routing?.sites.keys.sorted() == ["A", "B", "C"])

        let bulk = try network.flows(["bulk", "\(port)", "32"])
        #expect(bulk["intact"] as? Bool == true, "\(bulk)")
        let halfClose = try network.flows(["halfclose", "\(port)"])
        #expect(halfClose["intact"] as? Bool == true)
        // A reader that stops at A holds its own flow only: another bulk flow through B completes.
        let slow = try network.flows(["slow", "\(port)", "16"])
        #expect(slow["intact"] as? Bool == true, "\(slow)")
        #expect((network.status("B")?.links.count ?? 0) == 2)
    }

    @Test("ring A–B–C–D with costs: the cheap path is used; kill B and new flows go round by D; B returns and so does traffic")
    func ringFailover() throws {
        let (network, port) = try Self.ring()
        #expect(try network.flows(["halfclose", "\(port)"])["intact"] as? Bool == true)

        // A flow in progress through B when B dies is reset at both ends: a held flow, beside bulk
        // flows that load the path (under a sanitizer these may finish before the kill, so the
        // held flow is the one whose reset is checked).
        let held = try TwoSites.heldFlow(to: port)
        #expect(held.firstLine(timeout: 20 * testSlowdown) == "connected")
        let running = DispatchGroup()
        running.enter()
        DispatchQueue.global().async {
            _ = try? network.flows(["slow", "\(port)", "4000"])
            running.leave()
        }
        #expect(eventually(timeout: 10) { (network.status("C")?.connectors.first?.openFlows ?? 0) >= 2 || running.wait(timeout: .now()) == .success })
        let killed = Date()
        network.kill("B")
        #expect(eventually(timeout: 8) { network.route("A", "C") == "D/10" }, "A reroutes through D")
        let converged = Date().timeIntervalSince(killed)
        #expect(converged < 6, "rerouted \(converged) s after the kill (keepalive detects in about 3 s)")
        #expect(try network.flows(["halfclose", "\(port)"])["intact"] as? Bool == true)
        print("ring: rerouted \(String(format: "%.2f", converged)) s after killing B")
        let outcome = held.result(within: 10)
        #expect(outcome != nil, "the held flow's client saw its flow end")
        #expect(outcome?["how"] as? String == "ConnectionResetError", "the held flow through B was reset, not ended: \(outcome ?? [:])")
        #expect(running.wait(timeout: .now() + 30) == .success, "the loading flows through B ended")
        #expect(eventually(timeout: 5) { network.status("C")?.connectors.first?.openFlows == 0 }, "C reset its side of the flows through B")
        #expect(eventually(timeout: 5) { network.status("A")?.listeners.first?.openFlows == 0 })

        try network.start(["B"])
        #expect(eventually(timeout: 15) { network.route("A", "C") == "B/2" }, "traffic returns to the cheap path")
        #expect(try network.flows(["halfclose", "\(port)"])["intact"] as? Bool == true)
        #expect((network.status("B")?.connectors.isEmpty ?? false) && (network.status("B")?.links.count ?? 0) == 2)
    }

    @Test("a router that hangs (SIGSTOP, sockets open) is detected by keepalive and routed around; thawed, it is used again")
    func hungRouter() throws {
        let (network, port) = try Self.ring()
        let frozen = Date()
        network.freeze("B")
        #expect(eventually(timeout: 10) { network.route("A", "C") == "D/10" }, "A reroutes through D")
        let rerouted = Date().timeIntervalSince(frozen)
        // Keepalive declares a silent link dead after 3 s; routing must follow within moments of that.
        #expect(rerouted < 3 + 1.5, "rerouted \(rerouted) s after B froze")
        #expect(try network.flows(["halfclose", "\(port)"])["intact"] as? Bool == true)
        print("hung router: rerouted \(String(format: "%.2f", rerouted)) s after B froze (keepalive timeout 3 s)")
        network.freeze("B", false)
        #expect(eventually(timeout: 20) { network.route("A", "C") == "B/2" }, "B back: the cheap path again")
        #expect(try network.flows(["halfclose", "\(port)"])["intact"] as? Bool == true)
    }

    @Test("a vanished router's advert ages out of the network's databases")
    func ageing() throws {
        var tuning = RouterTuning.defaults
        tuning.advertRefresh = 1
        tuning.advertMaxAge = 4
        let network = try RouterNetwork(["A", "B", "C"], tuning: tuning)
        network.link("A", "B")
        network.link("B", "C")
        try network.start()
        #expect(eventually(timeout: 15) { network.status("A")?.routing?.sites.keys.sorted() == ["A", "B", "C"] })
        network.kill("C")
        // Unreachable at once (B withdrew the link); forgotten once its advert is older than 4 s.
        #expect(eventually(timeout: 5) { network.route("A", "C") == nil })
        #expect(eventually(timeout: 10) { network.status("A")?.routing?.sites.keys.sorted() == ["A", "B"] }, "C's advert aged out")
    }

    @Test("anycast: 200 flows split between equal B and C; C at cost 9999 becomes a backup; with B gone C takes all")
    func anycast() throws {
        let network = try RouterNetwork(["A", "B", "C"])
        network.link("A", "B")
        network.link("A", "C")
        let port = try network.listener("A", key: "svc")
        try network.connector("B", key: "svc")
        try network.connector("C", key: "svc")
        try network.start()
        #expect(eventually(timeout: 15) { network.status("A")?.routing?.services["svc"] == ["B", "C"] })
        func total(_ name: String) -> Int { network.status(name)?.connectors.first?.totalFlows ?? -1 }

        let many = try network.flows(["many", "\(port)", "200", "2000"])
        #expect(many["completed"] as? Int == 200, "\(many)")
        let (atB, atC) = (total("B"), total("C"))
        #expect(atB + atC == 200)
        #expect((80...120).contains(atB), "B took \(atB), C took \(atC)")

        try network.reconfigure("A") { $0.links = $0.links.map { link in
            var link = link
            if link.name == "to-C" { link.cost = 9999 }
            return link
        } }
        #expect(eventually(timeout: 15) { network.route("A", "C") == "C/9999" })
        let backup = try network.flows(["many", "\(port)", "50", "2000"])
        #expect(backup["completed"] as? Int == 50)
        #expect(total("B") == atB + 50 && total("C") == atC, "all new flows went to B")

        network.kill("B")
        #expect(eventually(timeout: 8) { network.status("A")?.routing?.services["svc"] == ["C"] })
        let failover = try network.flows(["many", "\(port)", "50", "2000"])
        #expect(failover["completed"] as? Int == 50)
        #expect(total("C") == atC + 50)
    }

    @Test("several connectors at one router share its flows")
    func connectorsAtOneRouter() throws {
        let network = try RouterNetwork(["A", "B"])
        network.link("A", "B")
        let port = try network.listener("A", key: "svc")
        try network.connector("B", key: "svc", named: "first")
        try network.connector("B", key: "svc", named: "second")
        try network.start()
        #expect(eventually(timeout: 15) { network.status("A")?.listeners.first?.hasMatchingConnector == true })
        let many = try network.flows(["many", "\(port)", "100", "1000"])
        #expect(many["completed"] as? Int == 100)
        let totals = network.status("B")?.connectors.map(\.totalFlows).sorted() ?? []
        #expect(totals.count == 2 && totals.reduce(0, +) == 100 && totals[0] >= 35, "\(totals)")
    }

    @Test("a connector whose service refuses is skipped until it answers again")
    func unreachableConnector() throws {
        let network = try RouterNetwork(["A", "B", "C"])
        network.link("A", "B")
        network.link("A", "C")
        let port = try network.listener("A", key: "svc")
        try network.connector("B", key: "svc")
        // C's connector points at a port where nothing listens.
        let dead = try FreePort.next()
        network.connector("C", key: "svc", port: dead)
        try network.start()
        // C tries its connector as soon as it is configured: before any flow, it is known to refuse
        // and C never offers the key.
        #expect(eventually(timeout: 15) { network.status("C")?.connectors.first?.reachable == false })
        #expect(network.status("C")?.connectors.first?.lastError == "cannot connect to 127.0.0.1:\(dead): connection refused (nothing listens there)")
        #expect(eventually(timeout: 15) { network.status("A")?.routing?.services["svc"] == ["B"] }, "only B serves the key")
        let after = try network.flows(["many", "\(port)", "40", "100"])
        #expect(after["completed"] as? Int == 40, "every flow succeeds: \(after)")
        // The service comes up: C serves the key again.
        let echo = try BackgroundProcess("/usr/bin/env", ["python3", TwoSites.root + "/Tests/Tools/echo_server.py", "\(dead)"])
        _ = echo.firstLine()
        #expect(eventually(timeout: 8) { network.status("A")?.routing?.services["svc"] == ["B", "C"] })
        echo.kill()
    }

    @Test("anycast as skupper-router balances: sequential flows stay on the idle local connector; 40 concurrent ones split with an attached edge site's connector")
    func balancedWithEdge() throws {
        let network = try RouterNetwork(["B", "E"])
        network.makeEdge("E")
        network.link("E", "B")
        // Slow backends (0.3 s per answer), so concurrent flows are outstanding at once.
        var backends: [BackgroundProcess] = []
        defer { backends.forEach { $0.kill() } }
        for site in ["B", "E"] {
            let echo = try BackgroundProcess("/usr/bin/env", ["python3", TwoSites.root + "/Tests/Tools/echo_server.py", "--delay", "0.3"])
            let port = try #require(echo.firstLine().flatMap { Int($0) })
            backends.append(echo)
            network.connector(site, key: "svc", port: port)
        }
        let port = try network.listener("B", key: "svc")
        try network.start()
        #expect(eventually(timeout: 20) { network.status("E")?.links.first?.state == .up && network.status("B")?.listeners.first?.hasMatchingConnector == true })
        #expect(eventually(timeout: 10) { network.status("E")?.connectors.first?.reachable == true })
        let flows = { (site: String) in network.status(site)?.connectors.first?.totalFlows ?? -1 }

        // One after another: each ends (at the router too: wait until B counts no open flow) before the next.
        for _ in 0..<10 {
            #expect(try network.flows(["halfclose", "\(port)"])["intact"] as? Bool == true)
            #expect(eventually(timeout: 5) { network.status("B")?.connectors.first?.openFlows == 0 && network.status("E")?.connectors.first?.openFlows == 0 })
        }
        #expect(flows("B") == 10 && flows("E") == 0, "an idle local connector wins outright: B \(flows("B")), E \(flows("E"))")

        let burst = try network.flows(["many", "\(port)", "40", "1000"])
        #expect(burst["completed"] as? Int == 40, "\(burst)")
        let (atB, atE) = (flows("B") - 10, flows("E"))
        #expect(atB + atE == 40 && atB >= 10 && atE >= 10, "40 concurrent flows split between B's connector and the edge's: B \(atB), E \(atE)")
        print("balanced: 10 sequential → B; 40 concurrent → B \(atB), edge \(atE)")
    }

    @Test("edge: an edge site linked to B reaches services at C and D; with B gone it fails over to its Link to C")
    func edgeFailover() throws {
        let network = try RouterNetwork(["B", "C", "D", "E"])
        network.link("B", "C")
        network.link("D", "C")
        network.makeEdge("E")
        network.link("E", "B", cost: 1)
        network.link("E", "C", cost: 2)
        try network.connector("C", key: "at-c")
        try network.connector("D", key: "at-d")
        let toC = try network.listener("E", key: "at-c")
        let toD = try network.listener("E", key: "at-d")
        try network.start()
        #expect(eventually(timeout: 30) { network.status("E")?.listeners.allSatisfy(\.hasMatchingConnector) == true })
        #expect(network.status("E")?.links.filter { $0.state == .up }.map(\.name) == ["to-B"], "an edge dials one interior router")
        #expect(network.status("E")?.routing?.routes.isEmpty == true, "an edge takes no part in link state")
        #expect(network.status("C")?.routing?.sites["E"] == nil)
        #expect(try network.flows(["halfclose", "\(toC)"])["intact"] as? Bool == true)
        #expect(try network.flows(["halfclose", "\(toD)"])["intact"] as? Bool == true)

        network.kill("B")
        #expect(eventually(timeout: 12) { network.status("E")?.links.contains { $0.name == "to-C" && $0.state == .up } == true },
                "the edge failed over to C: \(network.log("E"))")
        #expect(eventually(timeout: 5) { network.status("E")?.listeners.allSatisfy(\.hasMatchingConnector) == true })
        #expect(try network.flows(["halfclose", "\(toC)"])["intact"] as? Bool == true)
        #expect(try network.flows(["halfclose", "\(toD)"])["intact"] as? Bool == true)
    }

    @Test("MultiKeyListener, priority: every flow to the first key with a connector; with its connector gone, to the next; back when it returns")
    func priorityStrategy() throws {
        let network = try RouterNetwork(["A", "B", "C"])
        network.link("A", "B")
        network.link("A", "C")
        try network.connector("B", key: "primary")
        try network.connector("C", key: "secondary")
        let port = try network.listener("A", named: "backend", strategy: .priority(["primary", "secondary"]))
        try network.start()
        let reachable = { network.status("A")?.listeners.first?.routingKeysReachable ?? [] }
        #expect(eventually(timeout: 20) { reachable() == ["primary", "secondary"] }, "\(reachable())")
        let flows = { (site: String) in network.status(site)?.connectors.first?.totalFlows ?? -1 }
        #expect(try network.flows(["many", "\(port)", "20", "1000"])["completed"] as? Int == 20)
        #expect(flows("B") == 20 && flows("C") == 0, "B \(flows("B")), C \(flows("C"))")

        let primary = try #require(network.configs["B"]?.connectors.first)
        try network.reconfigure("B") { $0.connectors = [] }
        #expect(eventually(timeout: 10) { reachable() == ["secondary"] }, "\(reachable())")
        #expect(try network.flows(["many", "\(port)", "20", "1000"])["completed"] as? Int == 20)
        #expect(flows("C") == 20, "failed over to secondary: C \(flows("C"))")

        try network.reconfigure("B") { $0.connectors = [primary] }
        #expect(eventually(timeout: 10) { reachable() == ["primary", "secondary"] })
        #expect(try network.flows(["many", "\(port)", "10", "1000"])["completed"] as? Int == 10)
        #expect(flows("B") == 10 && flows("C") == 20, "back to primary: B \(flows("B")), C \(flows("C"))")
    }

    @Test("MultiKeyListener, weighted 1:3: 200 concurrent flows split 50/150; with the heavy key gone, the light one takes all")
    func weightedStrategy() throws {
        let network = try RouterNetwork(["A", "B", "C"])
        network.link("A", "B")
        network.link("A", "C")
        try network.connector("B", key: "light")
        try network.connector("C", key: "heavy")
        let port = try network.listener("A", named: "backend", strategy: .weighted([.init(routingKey: "heavy", weight: 3), .init(routingKey: "light", weight: 1)]))
        try network.start()
        #expect(eventually(timeout: 20) { network.status("A")?.listeners.first?.routingKeysReachable == ["heavy", "light"] })
        let flows = { (site: String) in network.status(site)?.connectors.first?.totalFlows ?? -1 }
        let burst = try network.flows(["many", "\(port)", "200", "1000"])
        #expect(burst["completed"] as? Int == 200, "\(burst)")
        #expect(flows("B") == 50 && flows("C") == 150, "light \(flows("B")), heavy \(flows("C"))")
        print("weighted 1:3 over 200 flows: light \(flows("B")), heavy \(flows("C"))")

        try network.reconfigure("C") { $0.connectors = [] }
        #expect(eventually(timeout: 10) { network.status("A")?.listeners.first?.routingKeysReachable == ["light"] })
        #expect(try network.flows(["many", "\(port)", "20", "1000"])["completed"] as? Int == 20)
        #expect(flows("B") == 70)
    }
}
