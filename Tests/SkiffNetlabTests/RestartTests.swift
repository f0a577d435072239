import Foundation
import SkiffTestSupport
import Testing

/// Routers and daemons restarted under a steady load, in the lab.
@Suite("Network lab: restarts under load", .serialized,
       .enabled(if: Netlab.available, "needs root and SKIFF_NETLAB=1: run make test-netlab"))
struct RestartTests {
    /// front (the clients' listener) — hub — a, b (connectors of one key: anycast), with a direct
    /// link front–a too; a daemon at every site.
    static func network() throws -> (Netlab, LabSites) {
        let lab = try Netlab(sites: ["front", "hub", "a", "b"], pairs: [("front", "hub"), ("front", "a"), ("hub", "a"), ("hub", "b")])
        let sites = try LabSites(lab)
        sites.link("front", to: "hub")
        sites.link("front", to: "a", cost: 2)
        sites.link("a", to: "hub")
        sites.link("b", to: "hub")
        sites.add("front", Fixtures.listener("echo", port: 8000))
        for site in ["a", "b"] {
            sites.add(site, Fixtures.connector("echo", port: 9000))
            try sites.echoServer(site, port: 9000)
        }
        try sites.start()
        for site in lab.sites { try sites.startDaemon(site) }
        #expect(PartitionTests.time(Date(), within: 30) { sites.converged(listenersAt: "front") } != nil)
        return (lab, sites)
    }

    static func load(_ lab: Netlab, seconds: Int) throws -> BackgroundProcess {
        try lab.background("front", ["python3", LabSites.tools + "/flow_client.py", "load", "8000", "\(seconds)", "4", "5"])
    }

    static func result(_ process: BackgroundProcess) -> [String: Any] {
        process.result(within: 120) ?? [:]
    }

    @Test("routers killed (SIGKILL) one after another under a steady load come back by their daemons; fewer than 1 % of requests fail")
    func killedRouters() throws {
        let (lab, sites) = try Self.network()
        let load = try Self.load(lab, seconds: 30)
        sites.processes.append(load)
        var restarts: [String: Double] = [:]
        for site in ["a", "hub", "b"] {
            usleep(5_000_000)
            let old = try #require(sites.routerPID(site))
            let killed = Date()
            kill(old, SIGKILL)
            restarts[site] = PartitionTests.time(killed, within: 15) {
                guard let pid = sites.routerPID(site), pid != old else { return false }
                return sites.status(site) != nil
            } ?? -1
        }
        let outcome = Self.result(load)
        let (answered, failed) = (outcome["answered"] as? Int ?? 0, outcome["failed"] as? Int ?? 0)
        #expect(restarts.values.allSatisfy { $0 >= 0 && $0 < 10 }, "\(restarts)")
        #expect(answered > 100, "\(outcome)")
        #expect(Double(failed) < 0.01 * Double(answered + failed), "\(failed) of \(answered + failed) requests failed")
        print("routers killed under load: \(failed) of \(answered + failed) requests failed (\(String(format: "%.2f", 100 * Double(failed) / Double(max(1, answered + failed)))) %); "
            + "back after \(restarts.mapValues { String(format: "%.2f s", $0) }); p99 \(outcome["p99_seconds"] ?? "?") s")
    }

    @Test("every daemon restarted in turn under a steady load: no request fails (routers keep running)")
    func rollingDaemons() throws {
        let (lab, sites) = try Self.network()
        let routers = lab.sites.map { sites.routerPID($0) }
        let load = try Self.load(lab, seconds: 20)
        sites.processes.append(load)
        for site in lab.sites {
            usleep(2_000_000)
            sites.daemons[site]?.terminate(timeout: 10)
            try sites.startDaemon(site)
        }
        let outcome = Self.result(load)
        #expect(outcome["failed"] as? Int == 0 && (outcome["answered"] as? Int ?? 0) > 100, "\(outcome)")
        #expect(lab.sites.map { sites.routerPID($0) } == routers, "the routers are the same processes")
        print("rolling daemon restart under load: \(outcome["answered"] ?? 0) answered, \(outcome["failed"] ?? 0) failed")
    }
}
