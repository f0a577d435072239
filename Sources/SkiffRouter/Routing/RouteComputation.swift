import SkiffLink
import SkiffRouterAPI
/// Shortest paths over the link-state database (Dijkstra; cost = sum of link costs). Pure: adverts
/// in, routes out.
public enum RouteComputation {
    /// Routes from `origin` to every router it can reach. A link counts only when both ends advertise
    /// it (the two-way check), so a router that died stops being a transit point as soon as one of
    /// its neighbours withdraws it, even while its own last advert lingers. A link advertised with
    /// two different costs counts at the higher. Ties go to the path whose first hop sorts first,
    /// so every router agrees on the same path and results are reproducible.
    public static func routes(from origin: String, adverts: [String: LinkStateAdvert]) -> RoutingTable {
        let graph = twoWayGraph(adverts)
        var best: [String: (cost: Int, nextHop: String)] = [:]
        var done: Set<String> = [origin]
        var frontier: [String: (cost: Int, nextHop: String)] = [:]
        for (neighbour, cost) in graph[origin] ?? [:] {
            frontier[neighbour] = (cost, neighbour)
        }
        while let (node, entry) = frontier.min(by: { better($0.value, $1.value, $0.key, $1.key) }) {
            frontier[node] = nil
            done.insert(node)
            best[node] = entry
            for (neighbour, cost) in graph[node] ?? [:] where !done.contains(neighbour) {
                let candidate = (cost: entry.cost + cost, nextHop: entry.nextHop)
                if let known = frontier[neighbour], !better(candidate, known, neighbour, neighbour) { continue }
                frontier[neighbour] = candidate
            }
        }
        return RoutingTable(routes: Dictionary(uniqueKeysWithValues: best.map { node, entry in
            (node, Route(destination: node, nextHop: entry.nextHop, cost: entry.cost))
        }))
    }

    /// Lower cost first; then the lower next hop; then the lower node name (to pick a node to settle).
    private static func better(_ a: (cost: Int, nextHop: String), _ b: (cost: Int, nextHop: String), _ nodeA: String, _ nodeB: String) -> Bool {
        if a.cost != b.cost { return a.cost < b.cost }
        if a.nextHop != b.nextHop { return a.nextHop < b.nextHop }
        return nodeA < nodeB
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
