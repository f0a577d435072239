import Foundation
import SkiffTestSupport
import Testing

/// Links with loss, latency and little bandwidth, in the lab.
@Suite("Network lab: loss, latency and slow links", .serialized,
       .enabled(if: Netlab.available, "needs root and SKIFF_NETLAB=1: run make test-netlab"))
struct WANTests {
    @Test("2 % loss and 50 ms each way: a 64 MiB flow arrives intact, requests keep answering, the link stays up")
    func lossAndLatency() throws {
        let lab = try Netlab(sites: ["west", "east"], pairs: [("west", "east")])
        let sites = try LabSites(lab)
        sites.link("west", to: "east", port: LabSites.accessPort + 1)
        sites.add("west", Fixtures.listener("echo", port: 8000))
        sites.add("east", Fixtures.connector("echo", port: 9000))
        try sites.echoServer("east", port: 9000)
        try sites.delayRelay("east", milliseconds: 50)
        try lab.loss("west", "east", percent: 2)
        try sites.start()
        #expect(PartitionTests.time(Date(), within: 60) { sites.converged(listenersAt: "west") } != nil, "\(String(describing: sites.status("west")))")
        _ = PartitionTests.time(Date(), within: 5) { sites.status("west")?.links.first?.rttMilliseconds != nil }
        let rtt = sites.status("west")?.links.first?.rttMilliseconds ?? 0
        #expect(rtt >= 100, "the link's round trip includes both delays: \(rtt) ms")
        let bulk = try sites.flows("west", ["bulk", "8000", "64"])
        #expect(bulk["intact"] as? Bool == true, "\(bulk)")
        let requests = try sites.flows("west", ["load", "8000", "10", "4"])
        #expect((requests["failed"] as? Int) == 0 && (requests["answered"] as? Int ?? 0) > 20, "\(requests)")
        #expect(sites.up("west", "to-east"), "keepalive never gave up on the slow, lossy link")
        let mib = bulk["mib_per_second"] as? Double ?? 0
        print("loss 2 %, 50 ms each way (rtt \(rtt) ms): 64 MiB echoed intact at \(String(format: "%.1f", mib)) MiB/s (both directions counted); "
            + "requests p50 \(requests["p50_seconds"] ?? "?") s, p99 \(requests["p99_seconds"] ?? "?") s")
    }

    @Test("a 10 Mbit/s link shared by a bulk flow and requests: requests keep answering; a stalled reader stalls only its own flow")
    func slowLink() throws {
        let lab = try Netlab(sites: ["west", "east"], pairs: [("west", "east")])
        let sites = try LabSites(lab)
        sites.link("west", to: "east")
        sites.add("west", Fixtures.listener("echo", port: 8000))
        sites.add("east", Fixtures.connector("echo", port: 9000))
        try sites.echoServer("east", port: 9000)
        try lab.rate("west", "east", megabits: 10)
        try sites.start()
        #expect(PartitionTests.time(Date(), within: 30) { sites.converged(listenersAt: "west") } != nil)
        // A bulk flow fills the link while requests go on beside it.
        let bulk = try lab.background("west", ["python3", LabSites.tools + "/flow_client.py", "bulk", "8000", "16"])
        sites.processes.append(bulk)
        usleep(2_000_000)
        let requests = try sites.flows("west", ["load", "8000", "10", "2", "10"])
        let moved = bulk.result(within: 120) ?? [:]
        #expect(moved["intact"] as? Bool == true, "\(moved)")
        #expect((requests["failed"] as? Int) == 0 && (requests["answered"] as? Int ?? 0) > 10, "\(requests)")
        // Flows that stop reading hold only their own bytes: requests beside them still answer.
        // Each request crosses the link twice while the stalled flows' windows still fill it
        // (the shaper queues up to 200 ms), about a second apiece, and a loss the link's TCP
        // recovers by timeout adds one to three: 20 s of requests, not 10, so that "more than ten
        // answered" measures the routers and not one retransmission.
        let stalled = try sites.flows("west", ["stall", "8000", "4", "20"])
        #expect((stalled["failed"] as? Int) == 0 && (stalled["answered"] as? Int ?? 0) > 10, "\(stalled)")
        #expect(sites.up("west", "to-east"))
        print("10 Mbit/s link: 16 MiB echoed at \(String(format: "%.2f", moved["mib_per_second"] as? Double ?? 0)) MiB/s (both directions); "
            + "requests beside it p50 \(requests["p50_seconds"] ?? "?") s, p99 \(requests["p99_seconds"] ?? "?") s; "
            + "beside 4 stalled readers p99 \(stalled["p99_seconds"] ?? "?") s")
    }
}
