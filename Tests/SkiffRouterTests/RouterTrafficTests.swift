import Foundation
import SkiffRouter
import SkiffRouterAPI
import SkiffTestSupport
import Testing

/// Two router processes, real TLS on loopback, real TCP clients and servers.
@Suite("Router: traffic between two sites", .serialized)
struct RouterTrafficTests {
    @Test("100 MiB each way arrives intact through west → east; the link was dialled by east only")
    func bulk() throws {
        let sites = try TwoSites()
        let result = try sites.flows(["bulk", "\(sites.listenerPort)", "100"])
        #expect(result["intact"] as? Bool == true, "\(result)")
        #expect(result["received"] as? Int == 100 << 20)
        let west = try sites.status("west"), east = try sites.status("east")
        #expect(west.links.map(\.direction) == ["incoming"], "west dials nothing")
        #expect(east.links.map(\.direction) == ["outgoing"])
        #expect(east.links.first?.peerSite == "west" && west.links.first?.peerSite == "east")
        #expect(west.listeners.first?.bytesIn == 100 << 20 && west.listeners.first?.bytesOut == 100 << 20)
        #expect(east.connectors.first?.totalFlows == 1)
        print("bulk 100 MiB each way:", result["mib_per_second"] ?? "?", "MiB/s (debug build)")
    }

    @Test("iperf3 -P 8: eight data flows fill the link and iperf3's idle control connection still carries the results")
    func iperfParallel() throws {
        try HeavyTests.oneAtATime {
            let sites = try TwoSites()
            let serverPort = try FreePort.next(), listenerPort = try FreePort.next()
            let server = try BackgroundProcess("/usr/bin/env", ["iperf3", "-s", "--forceflush", "-p", "\(serverPort)"])
            defer { server.terminate() }
            #expect(server.firstLine() != nil, "iperf3 -s started")
            try sites.put(sites.eastConfig(connectors: [.init(name: "iperf", routingKey: "iperf", host: "127.0.0.1", port: serverPort)]),
                          site: "east")
            try sites.put(sites.westConfig(listeners: [.init(name: "iperf", routingKey: "iperf", host: "127.0.0.1", port: listenerPort)]),
                          site: "west")
            #expect(eventually { (try? sites.status("west"))?.listeners.first { $0.name == "iperf" }?.hasMatchingConnector == true })
            let run = try Command.run("iperf3", ["-c", "127.0.0.1", "-p", "\(listenerPort)", "-t", "3", "-P", "8", "-J"])
            let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
            let received = ((report?["end"] as? [String: Any])?["sum_received"] as? [String: Any])?["bytes"] as? Double
            #expect(run.status == 0, "iperf3 failed: \(report?["error"] ?? run.stderr)")
            #expect((received ?? 0) > 0, "the server reported what it received over the control connection")
            print("iperf3 -P 8 through two routers:", ((received ?? 0) * 8 / 3 / 1e9), "Gbit/s (debug build)")
        }
    }

    @Test("with a router-wide buffer cap below one window, bulk traffic still completes intact")
    func smallBufferCap() throws {
        var tuning = RouterTuning.defaults
        tuning.maxBufferedBytes = 256 << 10
        let sites = try TwoSites(tuning: tuning)
        let result = try sites.flows(["bulk", "\(sites.listenerPort)", "50"])
        #expect(result["intact"] as? Bool == true, "\(result)")
    }

    @Test("a listener and a connector at the same router: bulk, half-close and many flows, spliced locally")
    func localSplice() throws {
        let sites = try TwoSites()
        let port = try FreePort.next()
        var config = sites.eastConfig()
        config.listeners = [.init(name: "local", routingKey: "backend", host: "127.0.0.1", port: port)]
        try sites.put(config, site: "east")
        #expect(try sites.flows(["halfclose", "\(port)"])["intact"] as? Bool == true)
        #expect(try sites.flows(["bulk", "\(port)", "50"])["intact"] as? Bool == true)
        #expect(try sites.flows(["many", "\(port)", "300", "5000"])["completed"] as? Int == 300)
        #expect(try sites.status("east").links.first?.openFlows == 0, "nothing crossed the link")
        #expect(try sites.status("east").connectors.first?.totalFlows ?? 0 >= 302)
    }

    /// NIO reads a connection into the buffer it first read into whenever nothing else holds it,
    /// growing it to each read's size and never shrinking it: every flow that once moved bulk data
    /// kept a 1 MiB buffer at each end for as long as it stayed open (`ReceiveBufferPin`).
    @Test("flows that moved 4 MiB each and went idle hold only what an idle flow holds: through the link and spliced locally",
          arguments: ["link", "splice"])
    func idleAfterBulk(path: String) throws {
        let sites = try TwoSites()
        var port = sites.listenerPort
        if path == "splice" {
            port = try FreePort.next()
            var config = sites.eastConfig()
            config.listeners = [.init(name: "local", routingKey: "backend", host: "127.0.0.1", port: port)]
            try sites.put(config, site: "east")
        }
        let flows = 60, burst = ["burstidle", "\(port)", "\(flows)", "4"]
        // The link's own buffers (its TLS output, its reads) grow once with its first bulk data:
        // one round first, its flows closed, so that what is measured is the flows'.
        #expect(try sites.flows(burst + ["0"])["idle"] as? Bool == true)
        #expect(try eventually { try sites.status("east").connectors.first?.openFlows == 0 })
        func heap(_ site: String) throws -> Int? { try sites.status(site).memory?.heapInUseBytes }
        // A sanitizer's allocator cannot say what is in use (`skiff_heap_usage`): nothing to measure.
        guard let westBefore = try heap("west"), let eastBefore = try heap("east") else { return }
        let client = try BackgroundProcess("/usr/bin/env", ["python3", TwoSites.root + "/Tests/Tools/flow_client.py"] + burst + ["60"])
        defer { client.terminate() }
        try #require(client.firstLine(timeout: 60) == "idle", "every flow echoed its 4 MiB")
        let west = try #require(try heap("west")) - westBefore, east = try #require(try heap("east")) - eastBefore
        print("\(path): heap per idle flow after bulk: west \(west / flows) bytes, east \(east / flows) bytes")
        // An idle flow holds about 20 KiB at each router; 1 MiB per connection before the pin. The
        // bound leaves room for the link's own buffers, which may grow further in the second round.
        #expect(west / flows < 256 << 10 && east / flows < 256 << 10, "west \(west / flows), east \(east / flows) bytes per flow")
        let listener = try sites.status(path == "link" ? "west" : "east").listeners.first { $0.name == (path == "link" ? "backend" : "local") }
        #expect(listener?.openFlows == flows, "the flows were still open when measured")
    }

    /// The systemd unit runs the router as a `DynamicUser`. Every flow's and link's socket options
    /// once asked for `SO_DEBUG` (a TCP option number given at the socket level), which only root
    /// may set: unprivileged, no link came up ("permission denied") and no listener took a flow.
    @Test("routers running as an unprivileged user link up and carry flows: through the link, and spliced locally")
    func unprivilegedRouters() throws {
        let sites = try TwoSites(unprivileged: true)
        if Unprivileged.isRoot {
            let owners = try Command.check("ps", ["-o", "user=", "-p", "\(sites.westRouter!.process.processIdentifier),\(sites.eastRouter!.process.processIdentifier)"]).stdout
            #expect(owners.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) } == ["nobody", "nobody"])
        }
        #expect(try sites.flows(["halfclose", "\(sites.listenerPort)"])["intact"] as? Bool == true)
        #expect(try sites.flows(["many", "\(sites.listenerPort)", "100", "1000"])["completed"] as? Int == 100)
        let port = try FreePort.next()
        var config = sites.eastConfig()
        config.listeners = [.init(name: "local", routingKey: "backend", host: "127.0.0.1", port: port)]
        try sites.put(config, site: "east")
        #expect(try sites.flows(["many", "\(port)", "100", "1000"])["completed"] as? Int == 100)
    }

    @Test("1,000 concurrent flows all complete")
    func manyFlows() throws {
        let sites = try TwoSites()
        let result = try sites.flows(["many", "\(sites.listenerPort)", "1000", "10000"])
        #expect(result["completed"] as? Int == 1000, "\(result)")
        #expect(try eventually { try sites.status("west").listeners.first?.openFlows == 0 }, "every flow was closed")
        #expect(try sites.status("west").listeners.first?.totalFlows == 1000)
    }

    @Test("a connector named by host name (looked up by NIO, not the dialler's thread) carries flows through the link and spliced")
    func connectorByName() throws {
        let sites = try TwoSites()
        let local = try FreePort.next()
        var east = sites.eastConfig()
        east.connectors[0].host = "localhost"
        east.listeners = [.init(name: "local", routingKey: "backend", host: "127.0.0.1", port: local)]
        try sites.put(east, site: "east")
        #expect(try eventually { try sites.status("east").connectors.first?.target == "localhost:\(sites.echoPort)" })
        #expect(try sites.flows(["many", "\(sites.listenerPort)", "50", "1000"])["completed"] as? Int == 50)
        #expect(try sites.flows(["many", "\(local)", "50", "1000"])["completed"] as? Int == 50)
        let connector = try #require(try sites.status("east").connectors.first)
        #expect(connector.reachable && connector.totalFlows >= 100, "\(connector)")
    }

    @Test("half-close: the client stops writing and still receives the whole reply")
    func halfClose() throws {
        let sites = try TwoSites()
        let result = try sites.flows(["halfclose", "\(sites.listenerPort)"])
        #expect(result["intact"] as? Bool == true, "\(result)")
    }

    @Test("a connector whose service is down closes the client's connection within a second")
    func connectorDown() throws {
        let sites = try TwoSites()
        sites.echo.kill()
        let result = try sites.flows(["closed", "\(sites.listenerPort)"])
        let seconds = try #require(result["seconds"] as? Double)
        #expect(seconds < 1.0, "closed after \(seconds) s")
        #expect(try eventually { try sites.status("east").connectors.first?.reachable == false })
    }

    @Test("a listener with no route anywhere closes its clients at once")
    func noRoute() throws {
        let sites = try TwoSites()
        var config = sites.westConfig()
        let port = try FreePort.next()
        config.listeners.append(.init(name: "nowhere", routingKey: "nobody-serves-this", host: "127.0.0.1", port: port))
        try sites.put(config, site: "west")
        let result = try sites.flows(["closed", "\(port)"])
        #expect((result["seconds"] as? Double ?? 99) < 1.0)
        let listener = try #require(try sites.status("west").listeners.first { $0.name == "nowhere" })
        #expect(listener.bound && !listener.hasMatchingConnector)
    }

    @Test("a stalled reader holds its own flow only: a second bulk flow on the same link completes")
    func slowConsumer() throws {
        let sites = try TwoSites()
        let result = try sites.flows(["slow", "\(sites.listenerPort)", "50"])
        #expect(result["intact"] as? Bool == true, "\(result)")
        let pushed = try #require(result["stalled_flow_pushed_mib"] as? Double)
        // Loopback socket buffers grow to several MiB each (eight of them on the path): 30-60 MiB
        // go before anything stalls; an unbounded path would take all 256 the client offers.
        #expect(pushed < 128, "the stalled flow was held back by flow control (pushed \(pushed) MiB)")
        print("slow consumer: stalled flow pushed \(pushed) MiB before stalling; bulk flow meanwhile", result["mib_per_second"] ?? "?", "MiB/s")
    }

    @Test("incremental config: adding a listener and removing an unrelated connector leaves a running flow intact")
    func incrementalConfig() throws {
        let sites = try TwoSites()
        // An extra connector to remove later, for a key nobody uses.
        try sites.put(sites.eastConfig(connectors: [.init(name: "spare", routingKey: "spare", host: "127.0.0.1", port: 9)]), site: "east")
        let secondPort = try FreePort.next()
        let bulk = DispatchQueue(label: "bulk")
        let box = ResultBox()
        let group = DispatchGroup()
        group.enter()
        bulk.async {
            box.set(try? sites.flows(["bulk", "\(sites.listenerPort)", "200"]))
            group.leave()
        }
        usleep(300_000)
        try sites.put(sites.westConfig(listeners: [.init(name: "second", routingKey: "backend", host: "127.0.0.1", port: secondPort)]),
                      site: "west")
        try sites.put(sites.eastConfig(), site: "east")
        let viaSecond = try sites.flows(["halfclose", "\(secondPort)"])
        #expect(viaSecond["intact"] as? Bool == true)
        #expect(group.wait(timeout: .now() + 60) == .success)
        let result = try #require(box.get())
        #expect(result["intact"] as? Bool == true, "\(result)")
        #expect(try sites.status("east").connectors.map(\.name) == ["backend"])
    }

    @Test("a listener whose port is held is retried with backoff and binds by itself once the port is let go")
    func listenerBindRetry() throws {
        let sites = try TwoSites()
        let port = try FreePort.next()
        let holder = try BackgroundProcess("/usr/bin/env", ["python3", TwoSites.root + "/Tests/Tools/echo_server.py", "\(port)"])
        _ = holder.firstLine()
        try sites.put(sites.westConfig(listeners: [.init(name: "second", routingKey: "backend", host: "127.0.0.1", port: port)]), site: "west")
        let second = { try sites.status("west").listeners.first { $0.name == "second" } }
        #expect(try second()?.bound == false)
        #expect(try second()?.error == "cannot bind 127.0.0.1:\(port): address already in use (another process holds it)")
        usleep(1_500_000)
        holder.kill()
        let released = Date()
        #expect(try eventually(timeout: 35) { try second()?.bound == true }, "\(sites.log("west").suffix(1000))")
        print("listener bound \(Date().timeIntervalSince(released)) s after its port was let go")
        #expect(try second()?.error == nil)
        #expect(sites.log("west").contains("cannot bind listener; retrying"))
        #expect(try sites.flows(["halfclose", "\(port)"])["intact"] as? Bool == true)
    }

    @Test("a link-access port held by another process is retried with backoff and binds by itself once let go; east then links")
    func accessBindRetry() throws {
        let sites = try TwoSites()
        let port = try FreePort.next()
        let holder = try BackgroundProcess("/usr/bin/env", ["python3", TwoSites.root + "/Tests/Tools/echo_server.py", "\(port)"])
        _ = holder.firstLine()
        var west = sites.westConfig()
        west.linkAccess = [.init(role: "inter-router", host: "127.0.0.1", port: port)]
        try sites.put(west, site: "west")
        let access = { try sites.status("west").linkAccess.first }
        #expect(try eventually(timeout: 5) { try access()?.error == "cannot bind 127.0.0.1:\(port): address already in use (another process holds it)" },
                "\(String(describing: try? access()))")
        #expect(try access()?.bound == false)
        usleep(1_500_000)
        holder.kill()
        let released = Date()
        #expect(try eventually(timeout: 35) { try access()?.bound == true }, "\(sites.log("west").suffix(1000))")
        print("link access bound \(Date().timeIntervalSince(released)) s after its port was let go")
        #expect(sites.log("west").contains("cannot accept links; retrying"))
        var east = sites.eastConfig()
        east.links = [.init(name: "to-west", host: "127.0.0.1", port: port)]
        try sites.put(east, site: "east")
        #expect(try eventually(timeout: 10) { try sites.status("east").links.first?.state == .up })
        #expect(try sites.flows(["halfclose", "\(sites.listenerPort)"])["intact"] as? Bool == true)
    }

    @Test("kill -9 east under load: west declares the link dead within about 3 s and resets its flows; a restarted east links again")
    func linkFailure() throws {
        let sites = try TwoSites()
        // A flow held open until something breaks it: what must be reset. Beside it a bulk flow and a
        // stalled one load the link; under a sanitizer the bulk may well finish before the kill,
        // which is why the held flow, not the bulk, is the one whose reset is checked.
        let held = try TwoSites.heldFlow(to: sites.listenerPort)
        #expect(held.firstLine(timeout: 20 * testSlowdown) == "connected")
        let flow = DispatchQueue(label: "flow")
        let group = DispatchGroup()
        group.enter()
        flow.async {
            _ = try? sites.flows(["slow", "\(sites.listenerPort)", "2000"])
            group.leave()
        }
        // Killed once the load moves (or, on a slow build, has already ended).
        let loaded = { (listener: RouterStatus.Listener?) in (listener?.openFlows ?? 0) >= 2 && (listener?.bytesIn ?? 0) >= 8 << 20 }
        #expect(try eventually { try loaded(sites.status("west").listeners.first) || group.wait(timeout: .now()) == .success },
                "no load: \(String(describing: try? sites.status("west").listeners)) \(sites.log("west"))")
        let killed = Date()
        sites.eastRouter?.kill()
        #expect(try eventually(timeout: 6) { try sites.status("west").links.isEmpty })
        let detected = Date().timeIntervalSince(killed)
        #expect(detected < 5, "detected after \(detected) s")
        #expect(try eventually(timeout: 5) { try sites.status("west").listeners.first?.openFlows == 0 }, "flows reset")
        let outcome = held.result(within: 10)
        #expect(outcome != nil, "the held flow's client saw its flow end")
        #expect(outcome?["how"] as? String == "ConnectionResetError", "the held flow was reset, not ended: \(outcome ?? [:])")
        #expect(group.wait(timeout: .now() + 30) == .success, "the loading flows ended")
        try sites.restartEast()
        #expect(sites.waitForLink(timeout: 15), "the link came back by itself")
        let after = try sites.flows(["halfclose", "\(sites.listenerPort)"])
        #expect(after["intact"] as? Bool == true)
        print("link death detected after \(detected) s; held flow: \(outcome ?? [:])")
    }
}
