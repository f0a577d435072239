import HeapModule
import SkiffLink
import SkiffRouterAPI

/// Shortest paths over the link-state database (Dijkstra with a binary heap, O(L log R) for R
/// routers and L links; cost = sum of link costs). Pure: adverts in, routes out.
public enum RouteComputation {
    /// Routes from `origin` to every router it can reach. A link counts only when both ends advertise
    /// it (the two-way check), so a router that died stops being a transit point as soon as one of
    /// its neighbours withdraws it, even while its own last advert lingers. A link advertised with
    /// two different costs counts at the higher. Ties go to the path whose first hop sorts first,
    /// so every router agrees on the same path and results are reproducible.
    public static func routes(from origin: String, adverts: [String: LinkStateAdvert]) -> RoutingTable {
        let graph = twoWayGraph(adverts)
        var settled: [String: Candidate] = [:]
        // The best path found so far to each router not yet settled; the queue may also hold
        // paths since bettered, skipped when they come up (a heap cannot lower a key in place).
        var known: [String: Candidate] = [:]
        var queue = Heap<Candidate>()
        func offer(_ candidate: Candidate) {
            guard candidate.node != origin, settled[candidate.node] == nil else { return }
            if let best = known[candidate.node], !candidate.betterPath(than: best) { return }
            known[candidate.node] = candidate
            queue.insert(candidate)
        }
        for (neighbour, cost) in graph[origin] ?? [:] {
            offer(Candidate(cost: cost, nextHop: neighbour, node: neighbour))
        }
        while let next = queue.popMin() {
            guard settled[next.node] == nil, known[next.node] == next else { continue }
            settled[next.node] = next
            for (neighbour, cost) in graph[next.node] ?? [:] {
                offer(Candidate(cost: next.cost + cost, nextHop: next.nextHop, node: neighbour))
            }
        }
        return RoutingTable(routes: Dictionary(uniqueKeysWithValues: settled.map { node, entry in
            (node, Route(destination: node, nextHop: entry.nextHop, cost: entry.cost))
        }))
    }

    /// A path to `node`: its cost and first hop. Ordered by cost, then the lower next hop, then the
    /// lower node name (which router to settle first among equals), so the result never depends on
    /// dictionary order.
    struct Candidate: Comparable {
        var cost: Int
        var nextHop: String
        var node: String

        static func < (a: Candidate, b: Candidate) -> Bool {
            (a.cost, a.nextHop, a.node) < (b.cost, b.nextHop, b.node)
        }

        /// A cheaper path to the same router, or as cheap through a lower next hop.
        func betterPath(than other: Candidate) -> Bool {
            (cost, nextHop) < (other.cost, other.nextHop)
        }
    }

    /// Adjacency with costs, keeping only links both ends advertise.
    static func twoWayGraph(_ adverts: [String: LinkStateAdvert]) -> [String: [String: Int]] {
        var graph: [String: [String: Int]] = [:]
        for (origin, advert) in adverts {
            for neighbour in advert.neighbours where neighbour.site != origin {
                guard let back = adverts[neighbour.site]?.neighbours.first(where: { $0.site == origin }) else { continue }
                let cost = max(1, max(neighbour.cost, back.cost))
                graph[origin, default: [:]][neighbour.site] = min(graph[origin]?[neighbour.site] ?? .max, cost)
            }
        }
        return graph
    }
}
