import Foundation
import SkiffTestSupport
import Testing

/// Hours of use in minutes: mixed traffic and configuration changes, routers watched for growth.
@Suite("Network lab: soak", .serialized, .enabled(if: Netlab.available, "needs root and SKIFF_NETLAB=1: run make test-netlab"))
struct SoakTests {
    /// Ten minutes unless SKIFF_SOAK_SECONDS says otherwise (CI runs a shorter soak, README).
    static let seconds = ProcessInfo.processInfo.environment["SKIFF_SOAK_SECONDS"].flatMap(Double.init) ?? 600

    /// Open descriptors of process `pid`.
    static func descriptors(_ pid: Int32) -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }

    /// A router's memory in KiB, as its status says: anonymous resident memory (heap, stacks,
    /// buffers: what a leak grows, and what freed heap that cannot go back to the system keeps) and
    /// heap in use (live allocations only).
    static func memory(_ sites: LabSites, _ site: String) -> (anonymous: Double, heap: Double)? {
        guard let memory = sites.status(site)?.memory, let heap = memory.heapInUseBytes else { return nil }
        return (Double(memory.anonymousBytes) / 1024, Double(heap) / 1024)
    }

    /// Least-squares slope of `samples` (seconds, value), per minute.
    static func slopePerMinute(_ samples: [(Double, Double)]) -> Double {
        let n = Double(samples.count)
        guard n > 1 else { return 0 }
        let (sx, sy) = samples.reduce((0.0, 0.0)) { ($0.0 + $1.0, $0.1 + $1.1) }
        let (mx, my) = (sx / n, sy / n)
        let covariance = samples.reduce(0.0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let variance = samples.reduce(0.0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        return variance == 0 ? 0 : 60 * covariance / variance
    }

    /// Heap in use at every router, in KiB.
    static func memories(_ lab: Netlab, _ sites: LabSites) -> [String: (anonymous: Double, heap: Double)] {
        Dictionary(uniqueKeysWithValues: lab.sites.compactMap { site in memory(sites, site).map { (site, $0) } })
    }

    /// How long a quiet router needs to give freed heap back: its heap returner looks every 10 s.
    static let settle: UInt32 = 12_000_000

    @Test("mixed traffic with a configuration change every 30 s: no request fails, no descriptor leaks, heap and memory bounded")
    func soak() throws {
        let (lab, sites) = try RestartTests.network()
        let routers = Dictionary(uniqueKeysWithValues: lab.sites.compactMap { site in sites.routerPID(site).map { (site, $0) } })
        #expect(routers.count == lab.sites.count)
        let descriptors = routers.compactMapValues(Self.descriptors)
        // Two halves, the same traffic in each, with a quiet moment (no flow open) before, between
        // and after: a leak grows the heap in both halves alike; buffers that keep the size a burst
        // gave them (a link's read buffer, the allocator's caches) grow it once and then stay.
        var quiet = [Self.memories(lab, sites)]
        var anonymous: [String: [(Double, Double)]] = [:], heap = anonymous
        var changes = 0, bulk = 0, answered = 0, failed = 0, p99: [Double] = []
        let start = Date()
        for half in 0..<2 {
            let load = try RestartTests.load(lab, seconds: Int(Self.seconds / 2))
            sites.processes.append(load)
            while Date().timeIntervalSince(start) < Double(half + 1) * Self.seconds / 2 {
                let now = Date().timeIntervalSince(start)
                if now >= Double(changes + 1) * 30 {
                    changes += 1
                    // A listener appears and goes again: the daemons apply each commit.
                    if changes % 2 == 1 {
                        sites.add("front", Fixtures.listener("extra", port: 8100))
                    } else {
                        try sites.remove("front", listener: "extra")
                    }
                    try sites.commit("change \(changes)")
                }
                if Int(now) / 20 >= bulk {
                    bulk += 1
                    sites.processes.append(try lab.background("front", ["python3", LabSites.tools + "/flow_client.py", "bulk", "8000", "16"]))
                }
                for site in lab.sites {
                    guard let memory = Self.memory(sites, site) else { continue }
                    anonymous[site, default: []].append((now, memory.anonymous))
                    heap[site, default: []].append((now, memory.heap))
                }
                usleep(5_000_000)
            }
            let outcome = RestartTests.result(load)
            answered += outcome["answered"] as? Int ?? 0
            failed += outcome["failed"] as? Int ?? 1
            p99.append(outcome["p99_seconds"] as? Double ?? -1)
            usleep(Self.settle)
            quiet.append(Self.memories(lab, sites))
        }
        // Once the load has ended nothing is left open: no stream on any link, no flow anywhere.
        for site in lab.sites.sorted() {
            let status = sites.status(site)
            let onLinks: Int = status?.links.map(\.openFlows).reduce(0, +) ?? -1
            let atListeners: Int = status?.listeners.map(\.openFlows).reduce(0, +) ?? 0
            let atConnectors: Int = status?.connectors.map(\.openFlows).reduce(0, +) ?? 0
            let open = onLinks + atListeners + atConnectors
            #expect(open == 0, "\(site) still counts \(open) open flows: \(String(describing: status?.links))")
        }
        #expect(failed == 0 && answered > 100, "\(failed) failed, \(answered) answered")
        var lines: [String] = []
        for site in lab.sites.sorted() {
            guard let pid = routers[site], let series = anonymous[site], let heapSeries = heap[site],
                  let atStart = quiet[0][site], let middle = quiet[1][site], let atEnd = quiet[2][site],
                  let fdsBefore = descriptors[site], let fdsAfter = Self.descriptors(pid)
            else { Issue.record("\(site): no memory figures"); continue }
            let (before, after) = (atStart.heap, atEnd.heap)
            let (first, second) = (middle.heap - before, after - middle.heap)
            let resident = [atStart, middle, atEnd].map { String(format: "%.1f", $0.anonymous / 1024) }.joined(separator: " → ")
            let heapPeak = heapSeries.map(\.1).max() ?? 0, peak = series.map(\.1).max() ?? 0
            let minutes = stride(from: 0, to: series.count, by: 12).map { String(Int(series[$0].1 / 1024)) }.joined(separator: " ")
            lines.append("\(site): heap in use when quiet \(Int(before)) → \(Int(middle.heap)) → \(Int(after)) KiB (halves \(String(format: "%+.0f", first)), "
                + "\(String(format: "%+.0f", second)) KiB), peak \(Int(heapPeak / 1024)) MiB; anonymous memory when quiet \(resident) MiB, slope "
                + "\(String(format: "%+.1f", Self.slopePerMinute(series))) KiB/min, peak \(Int(peak / 1024)) MiB, a minute apart (MiB): \(minutes); "
                + "fds \(fdsBefore) → \(fdsAfter)")
            // What bursts leave sized comes in steps of about 2.5 MiB, 10 MiB at most in all (a
            // listener site's router), mostly within the first few minutes: a ten-minute soak's second
            // half grew by 2.3 MiB at most, where a leak of 64 bytes a request would add 6.5 MiB. A
            // two-minute soak (CI's) can still be taking those steps in its second half, so there
            // only the total is held to its bound.
            #expect(after - before < 16 * 1024, "\(site)'s router holds \(Int(after - before)) KiB more heap after the soak")
            #expect(Self.seconds < 600 || second < 6144, "\(site)'s router holds \(Int(second)) KiB more heap after the second half (\(Int(first)) KiB after the first)")
            // Resident memory flat: what a quiet router keeps resident once its heap returner has run
            // is its heap in use and little more, so it follows the heap's bounds above.
            #expect(Self.seconds < 600 || atEnd.anonymous - middle.anonymous < 6144,
                    "\(site)'s router keeps \(Int(atEnd.anonymous - middle.anonymous)) KiB more resident after the second half")
            #expect(atEnd.anonymous - atStart.anonymous < 20 * 1024, "\(site)'s router keeps \(Int(atEnd.anonymous - atStart.anonymous)) KiB more resident after the soak")
            // Bounded far below the 256 MiB buffer cap: the heap and what stays resident of it.
            #expect(heapPeak < 32 * 1024, "\(site)'s router reached \(Int(heapPeak / 1024)) MiB of heap")
            #expect(peak < 64 * 1024, "\(site)'s router reached \(Int(peak / 1024)) MiB of anonymous memory")
            #expect(fdsAfter <= fdsBefore + 4, "\(site)'s router holds \(fdsAfter - fdsBefore) more descriptors")
            #expect(sites.routerPID(site) == pid, "\(site)'s router never restarted")
        }
        print("soak \(Int(Self.seconds)) s, \(changes) configuration changes, \(bulk) bulk flows, \(answered) requests "
            + "(p99 \(p99.map { String(format: "%.3f s", $0) }.joined(separator: ", "))): " + lines.joined(separator: "; "))
    }
}
