import Foundation
import SkiffTestSupport
import Testing

/// Real networks in the lab: what a partition, loss, latency, a slow link and one-way reachability
/// do to links and flows. Each test prints its figures. (`make test-netlab`; root only.)
@Suite("Network lab: partitions and one-way reachability", .serialized,
       .enabled(if: Netlab.available, "needs root and SKIFF_NETLAB=1: run make test-netlab"))
struct PartitionTests {
    /// Seconds since `start`.
    static func since(_ start: Date) -> Double { Date().timeIntervalSince(start) }

    /// Waits (bounded) until `condition` holds; the seconds it took since `start`, or nil.
    static func time(_ start: Date, within seconds: Double, _ condition: () -> Bool) -> Double? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return since(start) }
            usleep(50_000)
        }
        return nil
    }

    @Test("a partition (every packet dropped, no FIN, no RST): the link is declared dead within the keepalive timeout, its flows reset at both ends, new flows go round; healed, the link is back within 10 s")
    func partition() throws {
        let lab = try Netlab(sites: ["west", "hub", "east"], pairs: [("west", "east"), ("west", "hub"), ("hub", "east")])
        let sites = try LabSites(lab)
        sites.link("west", to: "east")
        sites.link("west", to: "hub")
        sites.link("east", to: "hub")
        sites.add("west", Fixtures.listener("echo", port: 8000))
        sites.add("east", Fixtures.connector("echo", port: 9000))
        try sites.echoServer("east", port: 9000)
        try sites.start()
        #expect(Self.time(Date(), within: 30) { sites.converged(listenersAt: "west") } != nil, "\(String(describing: sites.status("west")))")
        #expect(sites.nextHop("west", toward: "east") == "east", "the direct link is the cheaper path")

        // A flow that crosses the direct link, held open through the partition.
        let held = try lab.background("west", ["python3", LabSites.tools + "/flow_client.py", "hold", "8000", "60", "0.1"])
        sites.processes.append(held)
        #expect(held.firstLine(timeout: 20) == "connected")
        usleep(500_000)

        let cut = Date()
        try lab.partition("west", "east")
        let westDown = Self.time(cut, within: 10) { !sites.up("west", "to-east") }
        let eastDown = Self.time(cut, within: 10) { !(sites.status("east")?.links.contains { $0.peerSite == "west" && $0.state == .up } ?? true) }
        let resetAtBackend = Self.time(cut, within: 10) { (sites.status("east")?.connectors.first?.openFlows ?? 1) == 0 }
        let outcome = held.result(within: 120) ?? [:]
        let timeout = 3.0
        #expect(westDown.map { $0 <= timeout + 1 } == true, "west declared the link dead after \(String(describing: westDown)) s")
        #expect(eastDown.map { $0 <= timeout + 1 } == true, "east declared the link dead after \(String(describing: eastDown)) s")
        #expect(resetAtBackend.map { $0 <= timeout + 1 } == true, "the backend's connection was reset after \(String(describing: resetAtBackend)) s")
        #expect(outcome["how"] as? String == "ConnectionResetError", "the client's flow was reset, not ended: \(outcome)")
        let roundabout = try sites.flows("west", ["bulk", "8000", "4"])
        #expect(roundabout["intact"] as? Bool == true, "a new flow crosses the partition's other side: \(roundabout)")
        #expect(sites.nextHop("west", toward: "east") == "hub")

        let healed = Date()
        try lab.heal("west", "east")
        let back = Self.time(healed, within: 20) { sites.up("west", "to-east") }
        #expect(back.map { $0 <= 10 } == true, "the link came back after \(String(describing: back)) s")
        #expect(Self.time(healed, within: 10) { sites.nextHop("west", toward: "east") == "east" } != nil)
        #expect(try sites.flows("west", ["bulk", "8000", "4"])["intact"] as? Bool == true)
        print("partition: link dead at west after \(westDown ?? -1) s, at east after \(eastDown ?? -1) s; backend flow reset after \(resetAtBackend ?? -1) s; "
            + "client flow broken \(outcome["how"] ?? "?"); healed: link up again after \(back ?? -1) s")
    }

    @Test("one-way reachability: nobody can dial west (its inbound SYNs dropped); west dials east, and flows cross the link both ways")
    func oneWay() throws {
        let lab = try Netlab(sites: ["west", "east"], pairs: [("west", "east")])
        let sites = try LabSites(lab)
        sites.link("west", to: "east")
        sites.add("west", Fixtures.listener("to-east-echo", port: 8000))
        sites.add("east", Fixtures.connector("to-east-echo", port: 9000))
        sites.add("east", Fixtures.listener("to-west-echo", port: 8001))
        sites.add("west", Fixtures.connector("to-west-echo", port: 9001))
        try sites.echoServer("east", port: 9000)
        try sites.echoServer("west", port: 9001)
        try lab.refuseInbound("west")
        let dialled = try lab.run("east", ["python3", "-c", "import socket; socket.create_connection(('\(lab.address(of: "west", toward: "east"))', \(LabSites.accessPort)), timeout=2)"])
        #expect(dialled.status != 0, "west cannot be dialled")
        try sites.start()
        #expect(Self.time(Date(), within: 30) { sites.converged(listenersAt: "west") && sites.converged(listenersAt: "east") } != nil)
        #expect(try sites.flows("west", ["bulk", "8000", "8"])["intact"] as? Bool == true, "west → east")
        #expect(try sites.flows("east", ["bulk", "8001", "8"])["intact"] as? Bool == true, "east → west, over the link west dialled")
    }
}
