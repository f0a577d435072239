import Foundation
import SkiffRouter
import SkiffRouterAPI
import SkiffTestSupport
import Testing

/// Faults a production router meets, reproduced with real router processes on loopback: a frozen
/// peer, a full buffer budget, flows abandoned while their connector is still being dialled.
@Suite("Router robustness: freezes, full buffers, abandoned dials", .serialized)
struct RouterRobustnessTests {
    /// A backend beside the routers, stopped with the test.
    static func backend(_ arguments: [String]) throws -> (BackgroundProcess, Int) {
        let process = try BackgroundProcess("/usr/bin/env", ["python3", TwoSites.root + "/Tests/Tools/echo_server.py"] + arguments)
        guard let line = process.firstLine(), let port = Int(line) else { throw TwoSites.SetupError(message: "the backend did not start") }
        return (process, port)
    }

    /// Runs `body` on another thread; the returned closure waits for its result (at most 90 s).
    static func inBackground(_ body: @escaping @Sendable () throws -> [String: Any]) -> () -> [String: Any]? {
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            box.set(try? body())
            done.signal()
        }
        return {
            _ = done.wait(timeout: .now() + 90)
            return box.get()
        }
    }

    static func openDescriptors(_ process: BackgroundProcess?) -> Int {
        guard let pid = process?.process.processIdentifier else { return -1 }
        return (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    @Test("a connector site frozen for 7 s (SIGSTOP) under load through a hub thaws without crashing and carries traffic again")
    func freezeDuringDials() throws {
        // a → hub → c: the hub dials c, so c's end of the link is held only by its pipeline. Clients
        // give up after 1 s and open new flows, so c wakes to OPENs the hub sent before it gave the
        // link up, then the link's close: dials start for streams whose link is already gone.
        let network = try RouterNetwork(["a", "hub", "c"])
        let (slow, slowPort) = try Self.backend(["--delay", "0.3"])
        defer { slow.kill() }
        network.link("a", "hub")
        network.link("hub", "c")
        let port = try network.listener("a", key: "slow")
        network.connector("c", key: "slow", port: slowPort)
        try network.start()
        #expect(eventually(timeout: 15) { network.status("a")?.listeners.first?.hasMatchingConnector == true })
        let load = Self.inBackground { try network.flows(["load", "\(port)", "13", "30", "1"]) }
        usleep(2_000_000)
        network.freeze("c")
        usleep(7_000_000)
        network.freeze("c", false)
        let counts = try #require(load())
        #expect(network.isRunning("c"), "c survived the thaw: \(network.log("c").suffix(2000))")
        #expect(!network.log("c").contains("Fatal error"))
        #expect(eventually(timeout: 15) { network.status("a")?.listeners.first?.hasMatchingConnector == true }, "c is reachable again")
        #expect(eventually(timeout: 10) { (try? network.flows(["halfclose", "\(port)"]))?["intact"] as? Bool == true })
        #expect((counts["answered"] as? Int ?? 0) > 0, "\(counts)")
        print("freeze under load: \(counts)")
    }

    @Test("a full buffer budget stalls only the flows that hold the bytes: requests keep answering and the link stays up")
    func fullBudgetKeepsLinks() throws {
        var tuning = RouterTuning.defaults
        tuning.maxBufferedBytes = 2 << 20
        let sites = try TwoSites(tuning: tuning)
        // 16 flows that never read their echo hold far more than the cap would allow.
        let result = try sites.flows(["stall", "\(sites.listenerPort)", "16", "6"])
        #expect(result["failed"] as? Int == 0, "\(result)")
        // Requests keep answering; how many fit in 6 s depends on the machine (fewer under a sanitizer).
        #expect((result["answered"] as? Int ?? 0) >= Int(20 / testSlowdown), "\(result)")
        for site in ["west", "east"] {
            #expect(!sites.log(site).contains("link dead"), "\(site): \(sites.log(site).suffix(1500))")
        }
        let west = try sites.status("west")
        let buffers = try #require(west.buffers)
        #expect(buffers.limit == 2 << 20)
        // Beyond each stream's own initial window, nothing is held past the cap.
        #expect(buffers.peak <= buffers.limit, "\(buffers)")
        #expect(buffers.waitingStreams > 0 || buffers.peak > buffers.limit / 2, "the cap was reached: \(buffers)")
        #expect(try sites.status("east").links.first?.lastError == nil, "east never lost the link")
        print("full budget: \(result), west buffers \(buffers)")
    }

    @Test("flows abandoned while their connector is still being dialled leave no connection behind, linked or spliced")
    func abandonedDials() throws {
        var tuning = RouterTuning.defaults
        tuning.connectTimeout = 10
        let sites = try TwoSites(tuning: tuning)
        // The backend accepts nothing for 3 s: dials beyond its queue of one hang until then.
        let (held, heldPort) = try Self.backend(["--accept-after", "3"])
        defer { held.kill() }
        let linked = try FreePort.next(), local = try FreePort.next()
        var east = sites.eastConfig(tuning: tuning, connectors: [.init(name: "held", routingKey: "held", host: "127.0.0.1", port: heldPort)])
        east.listeners = [.init(name: "held-local", routingKey: "held", host: "127.0.0.1", port: local)]
        try sites.put(east, site: "east")
        try sites.put(sites.westConfig(tuning: tuning, listeners: [.init(name: "held", routingKey: "held", host: "127.0.0.1", port: linked)]),
                      site: "west")
        #expect(eventually { (try? sites.status("west"))?.listeners.first { $0.name == "held" }?.hasMatchingConnector == true })
        let before = Self.openDescriptors(sites.eastRouter)
        _ = try sites.flows(["abandon", "\(linked)", "12"])
        _ = try sites.flows(["abandon", "\(local)", "12"])
        // Past the backend's first accept and its SYN retries: a dial not cancelled would connect now.
        usleep(6_000_000)
        let after = Self.openDescriptors(sites.eastRouter)
        #expect(after <= before + 2, "east holds \(after - before) more descriptors than before")
        let connector = try #require(try sites.status("east").connectors.first { $0.name == "held" })
        #expect(connector.reachable, "a cancelled dial does not blame the target: \(connector)")
        #expect(connector.openFlows == 0, "\(connector)")
        print("abandoned dials: east descriptors \(before) → \(after)")
    }

    static func residentMiB(_ process: BackgroundProcess?) -> Double {
        guard let pid = process?.process.processIdentifier,
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return -1 }
        return kib / 1024
    }

    @Test("1,000 clients that stop reading while their backends stream without end: both routers stay within 400 MiB, links stay up, other services keep answering from the first second",
          .disabled(if: testSlowdown > 1, "1,000 flows through two sanitized routers outgrow 2 cores (SKIFF_TEST_SLOWDOWN)"))
    func stalledReaders() throws {
        try HeavyTests.oneAtATime {
            let sites = try TwoSites()
            let (source, sourcePort) = try Self.backend(["--stream"])
            defer { source.kill() }
            let port = try FreePort.next()
            try sites.put(sites.eastConfig(connectors: [.init(name: "stream", routingKey: "stream", host: "127.0.0.1", port: sourcePort)]),
                          site: "east")
            try sites.put(sites.westConfig(listeners: [.init(name: "stream", routingKey: "stream", host: "127.0.0.1", port: port)]), site: "west")
            #expect(eventually { (try? sites.status("west"))?.listeners.first { $0.name == "stream" }?.hasMatchingConnector == true })
            // Requests start with the stalled flows (small senders go before bulk on a full link);
            // memory is sampled over the whole run.
            let run = Self.inBackground { try sites.flows(["stalled", "\(port)", "1000", "10", "\(sites.listenerPort)", "0"]) }
            var peak = (west: 0.0, east: 0.0)
            for _ in 0..<30 {
                usleep(400_000)
                peak = (max(peak.west, Self.residentMiB(sites.westRouter)), max(peak.east, Self.residentMiB(sites.eastRouter)))
            }
            let result = try #require(run())
            #expect(result["failed"] as? Int == 0, "\(result)")
            #expect((result["answered"] as? Int ?? 0) >= 5, "\(result)")
            #expect(peak.west > 0 && peak.west <= 400, "west peaked at \(peak.west) MiB")
            #expect(peak.east > 0 && peak.east <= 400, "east peaked at \(peak.east) MiB")
            for site in ["west", "east"] { #expect(!sites.log(site).contains("link dead"), "\(site) lost a link") }
            let buffers = try #require(try sites.status("west").buffers)
            #expect(buffers.peak <= buffers.limit, "\(buffers)")
            print("1,000 stalled readers: \(result); peak RSS west \(peak.west) MiB, east \(peak.east) MiB; west buffers \(buffers)")
        }
    }
}
