import Foundation
import SkiffRouter
import SkiffRouterAPI
import SkiffTelemetry
import SkiffTestSupport
import Testing

/// Site summaries across real router processes: every router, edge ones included, learns every
/// site's figures over the router network itself, and what it costs is counted.
@Suite("Network-wide figures across router processes", .serialized)
struct NetworkTelemetryTests {
    /// Line A–B–C with edge site E attached to C; a listener at A, a connector at E; summaries every second.
    static func line() throws -> (RouterNetwork, Int) {
        var tuning = RouterTuning.defaults
        tuning.summaryInterval = 1
        let network = try RouterNetwork(["A", "B", "C", "E"], tuning: tuning)
        network.link("A", "B")
        network.link("C", "B")
        network.makeEdge("E")
        network.link("E", "C")
        let port = try network.listener("A", key: "echo")
        try network.connector("E", key: "echo")
        try network.start()
        return (network, port)
    }

    static func view(_ network: RouterNetwork, _ site: String) -> NetworkView? { try? network.client(site).network() }

    @Test("every router, the edge one too, sees every site, link and service; rates follow traffic and history keeps them")
    func wholeNetworkEverywhere() throws {
        let (network, port) = try Self.line()
        for site in ["A", "B", "C", "E"] {
            #expect(eventually(timeout: 20) {
                guard let view = Self.view(network, site) else { return false }
                return view.sites.map(\.name) == ["A", "B", "C", "E"] && view.links.count == 3 && view.links.allSatisfy { $0.state == "up" }
                    && view.sites.allSatisfy { $0.reachable && $0.summaryAge != nil }
            }, "\(site): \(String(describing: Self.view(network, site)))")
        }
        let view = try #require(Self.view(network, "A"))
        #expect(view.sites.first { $0.name == "E" }?.edge == true)
        #expect(view.links.map { "\($0.from)>\($0.to)" } == ["A>B", "C>B", "E>C"])
        let echo = try #require(view.services.first)
        #expect(echo.routingKey == "echo" && echo.reachable && echo.listeners.map(\.site) == ["A"] && echo.connectors.map(\.site) == ["E"])

        // 32 MiB through A → B → C → E: every site's view shows the bytes, and A's history a rate.
        let bulk = try network.flows(["bulk", "\(port)", "32"])
        #expect(bulk["intact"] as? Bool == true)
        #expect(eventually(timeout: 10) {
            let connector = Self.view(network, "B")?.services.first?.connectors.first
            return (connector?.bytesIn ?? 0) >= 32 << 20 && connector?.totalFlows == 1
        }, "B sees E's connector's bytes: \(String(describing: Self.view(network, "B")?.services))")
        // A samples every second; the rates it samples are E's and its own, over their last interval.
        var history: ThroughputReport?
        #expect(eventually(timeout: 5) {
            history = try? network.client("A").throughput(ThroughputQuery())
            return (history?.services["echo"] ?? []).contains { $0 > 0 } && (history?.links["A>B"]?.forward ?? []).contains { $0 > 0 }
        }, "\(String(describing: history))")
        // What it cost, as each router counts it.
        let routing = try #require(network.status("B")?.routing)
        #expect((routing.summaryBytesReceived ?? 0) > 0 && (routing.summaryBytesSent ?? 0) > 0 && routing.summaries == 4)
    }

    @Test("history is sampled once per summary interval, idle or busy, and says so")
    func samplingInterval() throws {
        var tuning = RouterTuning.defaults
        tuning.summaryInterval = 2
        let network = try RouterNetwork(["A", "B"], tuning: tuning)
        network.link("A", "B")
        try network.start()
        var history: ThroughputReport?
        #expect(eventually(timeout: 15) {
            history = try? network.client("A").throughput(ThroughputQuery())
            return (history?.times.count ?? 0) >= 4
        })
        let times = history?.times ?? []
        let gaps = zip(times.dropFirst(), times).map { $0.timeIntervalSince($1) }
        #expect(history?.interval == 2 && gaps.allSatisfy { $0 > 1.5 && $0 < 3 }, "\(gaps)")
    }

    @Test("a router that dies: its link shows down at once at the others, and the site unreachable")
    func deathShows() throws {
        let (network, _) = try Self.line()
        #expect(eventually(timeout: 20) { Self.view(network, "A")?.links.filter { $0.state == "up" }.count == 3 })
        network.kill("C")
        #expect(eventually(timeout: 10) {
            guard let view = Self.view(network, "A") else { return false }
            return view.links.first { $0.from == "C" }?.state == "down" && view.sites.first { $0.name == "C" }?.reachable == false
                && view.sites.first { $0.name == "E" }?.reachable == false
        }, "\(String(describing: Self.view(network, "A")))")
    }

    @Test("a reconciler's report goes round the network in its site's summary, bounded, and again after its router restarts")
    func gitopsReport() throws {
        let (network, _) = try Self.line()
        let report = GitOpsReport(reconciler: "daemon", headCommit: "b" + String(repeating: "0", count: 39), appliedCommit: "a" + String(repeating: "0", count: 39),
                                  lastResult: "invalid", errors: (1...60).map { "C/site.yaml:\($0):3: bad field" })
        #expect(eventually(timeout: 10) { (try? network.client("C").putGitOps(report)) != nil })
        #expect(eventually(timeout: 10) {
            let gitops = Self.view(network, "A")?.sites.first { $0.name == "C" }?.gitops
            return gitops?.lastResult == "invalid" && gitops?.errors.count == SummaryLimits.maxReportLines && gitops?.errors.last == "… and 11 more"
        })
        // C's router restarts with no reconciler about (a site run with apply): its report goes round again.
        network.kill("C")
        #expect(eventually(timeout: 10) { Self.view(network, "A")?.sites.first { $0.name == "C" }?.reachable == false })
        try network.start(["C"])
        #expect(eventually(timeout: 15) {
            let site = Self.view(network, "A")?.sites.first { $0.name == "C" }
            return site?.reachable == true && site?.gitops?.lastResult == "invalid" && site?.summaryAge ?? 99 < 3
        }, "\(String(describing: Self.view(network, "A")?.sites))")
    }
}
