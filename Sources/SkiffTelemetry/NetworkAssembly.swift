#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Builds a `NetworkView` from what a router holds: every site's latest summary (with its age) and
/// the link-state topology. Pure, so every rule below is tested in memory.
///
/// * A summary is **current** while younger than `currentFor` (an origin re-issues at least that
///   often); its rates count while younger than two of its intervals plus a second, since an origin
///   carrying traffic re-issues every interval — an origin gone quiet, or gone, shows zero.
/// * A link is **up** when every end with a current summary reports it up (so the survivor's word
///   wins over a dead site's last summary); with no current summary from either end, a link the
///   routing topology holds is up.
/// * A site is **reachable** from the local site over links that are up.
public enum NetworkAssembly {
    public struct Input: Sendable {
        public var site: String
        public var now: Date
        /// Every known site's latest summary and when it arrived.
        public var summaries: [String: (summary: SiteSummary, receivedAt: Date)]
        /// The routing topology: interior site → neighbour → cost (from link state).
        public var topology: [String: [String: Int]]
        /// How long a summary stays current.
        public var currentFor: TimeInterval

        public init(site: String, now: Date, summaries: [String: (summary: SiteSummary, receivedAt: Date)],
                    topology: [String: [String: Int]], currentFor: TimeInterval)
        {
            self.site = site
            self.now = now
            self.summaries = summaries
            self.topology = topology
            self.currentFor = currentFor
        }
    }

    public static func view(_ input: Input) -> NetworkView {
        let current = input.summaries.filter { input.now.timeIntervalSince($0.value.receivedAt) <= input.currentFor }.mapValues(\.summary)
        let live = Dictionary(uniqueKeysWithValues: input.summaries.map { origin, entry in
            (origin, ratesLive(entry.summary, age: input.now.timeIntervalSince(entry.receivedAt)) ? entry.summary : zeroed(entry.summary))
        })
        let links = assembleLinks(summaries: live, current: Set(current.keys), topology: input.topology)
        let reachable = reach(from: input.site, links: links)
        var names = Set(input.summaries.keys).union(input.topology.keys).union([input.site])
        for link in links { names.formUnion([link.from, link.to]) }
        let sites = names.sorted().map { name in
            site(name, summary: live[name], age: input.summaries[name].map { input.now.timeIntervalSince($0.receivedAt) },
                 local: name == input.site, reachable: reachable.contains(name), links: links)
        }
        let services = assembleServices(summaries: live, reachable: reachable)
        return NetworkView(formatVersion: NetworkView.formatVersion, site: input.site, generatedAt: input.now, sites: sites, links: links,
                           services: services)
    }

    static func ratesLive(_ summary: SiteSummary, age: TimeInterval) -> Bool {
        age <= 2 * summary.interval + 1
    }

    /// The summary with every rate at zero: what a quiet or vanished origin's figures are now.
    static func zeroed(_ summary: SiteSummary) -> SiteSummary {
        var summary = summary
        for index in summary.links.indices { summary.links[index].rateIn = 0; summary.links[index].rateOut = 0 }
        for index in summary.listeners.indices { summary.listeners[index].rateIn = 0; summary.listeners[index].rateOut = 0 }
        for index in summary.connectors.indices { summary.connectors[index].rateIn = 0; summary.connectors[index].rateOut = 0 }
        return summary
    }

    // MARK: Links

    private static let stateRank = ["up": 3, "connecting": 2, "standby": 1, "down": 0]

    static func assembleLinks(summaries: [String: SiteSummary], current: Set<String>, topology: [String: [String: Int]]) -> [NetworkView.Link] {
        struct Report { var origin: String; var link: SiteSummary.Link }
        var byPair: [[String]: [Report]] = [:]
        for (origin, summary) in summaries {
            for link in summary.links {
                guard let peer = link.peer, peer != origin else { continue }
                byPair[[origin, peer].sorted(), default: []].append(Report(origin: origin, link: link))
            }
        }
        var links: [NetworkView.Link] = []
        for (pair, reports) in byPair {
            // The ends whose word counts: those with a current summary (or, with none, whoever
            // reported). Each must report the link up — an end that no longer lists it (its router
            // restarted, the accepted link closed) says it is not.
            let currentEnds = Set(pair.filter { current.contains($0) })
            let votingEnds = currentEnds.isEmpty ? Set(reports.map(\.origin)) : currentEnds
            let voters = reports.filter { votingEnds.contains($0.origin) }
            let endsUp = Set(voters.filter { $0.link.state == "up" }.map(\.origin))
            let up = endsUp == votingEnds
            let primary = reports.first { $0.link.direction == "outgoing" && $0.link.state == "up" }
                ?? reports.first { $0.link.direction == "outgoing" } ?? reports.max { stateRank[$0.link.state, default: 0] < stateRank[$1.link.state, default: 0] }!
            let (from, to) = primary.link.direction == "outgoing" ? (primary.origin, primary.link.peer!) : (primary.link.peer!, primary.origin)
            // Each direction from the side that sends it, when that side reports.
            let fromReport = reports.first { $0.origin == from }?.link
            let toReport = reports.first { $0.origin == to }?.link
            let state = up ? "up" : voters.filter { $0.link.state != "up" }.map(\.link.state).max { stateRank[$0, default: 0] < stateRank[$1, default: 0] } ?? "down"
            links.append(NetworkView.Link(
                from: from, to: to, name: primary.link.direction == "outgoing" ? primary.link.name : nil, state: state,
                cost: primary.link.cost, rttMilliseconds: fromReport?.rttMilliseconds ?? toReport?.rttMilliseconds,
                rateForward: fromReport?.rateOut ?? toReport?.rateIn ?? 0, rateBack: fromReport?.rateIn ?? toReport?.rateOut ?? 0,
                bytesForward: fromReport?.bytesOut ?? toReport?.bytesIn ?? 0, bytesBack: fromReport?.bytesIn ?? toReport?.bytesOut ?? 0,
                openFlows: max(fromReport?.openFlows ?? 0, toReport?.openFlows ?? 0)))
        }
        // Routers whose summaries never arrived (older releases) still show their links from link state.
        let covered = Set(links.map { [$0.from, $0.to].sorted() })
        for (origin, neighbours) in topology {
            for (peer, cost) in neighbours where origin < peer && topology[peer]?[origin] != nil && !covered.contains([origin, peer]) {
                links.append(NetworkView.Link(from: origin, to: peer, name: nil, state: "up", cost: max(cost, topology[peer]?[origin] ?? cost),
                                              rttMilliseconds: nil, rateForward: 0, rateBack: 0, bytesForward: 0, bytesBack: 0, openFlows: 0))
            }
        }
        return links.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
    }

    static func reach(from site: String, links: [NetworkView.Link]) -> Set<String> {
        var neighbours: [String: [String]] = [:]
        for link in links where link.state == "up" {
            neighbours[link.from, default: []].append(link.to)
            neighbours[link.to, default: []].append(link.from)
        }
        var seen: Set<String> = [site]
        var queue = [site]
        while let next = queue.popLast() {
            for peer in neighbours[next] ?? [] where seen.insert(peer).inserted { queue.append(peer) }
        }
        return seen
    }

    // MARK: Sites and services

    private static func site(_ name: String, summary: SiteSummary?, age: TimeInterval?, local: Bool, reachable: Bool,
                             links: [NetworkView.Link]) -> NetworkView.Site
    {
        let own = links.filter { $0.from == name || $0.to == name }
        let endpoints = (summary?.listeners ?? []) + (summary?.connectors ?? [])
        return NetworkView.Site(
            name: name, edge: summary?.edge ?? false, local: local, reachable: reachable, version: summary?.version,
            summaryAge: age.map { ($0 * 10).rounded() / 10 }, linksUp: own.filter { $0.state == "up" }.count, links: own.count,
            listeners: summary?.listeners.count ?? 0, connectors: summary?.connectors.count ?? 0,
            openFlows: endpoints.reduce(0) { $0 + $1.openFlows },
            gitops: summary?.gitops)
    }

    static func assembleServices(summaries: [String: SiteSummary], reachable: Set<String>) -> [NetworkView.Service] {
        var listeners: [String: [NetworkView.Placement]] = [:]
        var connectors: [String: [NetworkView.Placement]] = [:]
        for (origin, summary) in summaries {
            for endpoint in summary.listeners { listeners[endpoint.routingKey, default: []].append(placement(endpoint, at: origin)) }
            for endpoint in summary.connectors { connectors[endpoint.routingKey, default: []].append(placement(endpoint, at: origin)) }
        }
        let keys = Set(listeners.keys).union(connectors.keys)
        return keys.sorted().map { key in
            let serving = (connectors[key] ?? []).sorted { ($0.site, $0.name) < ($1.site, $1.name) }
            let calling = (listeners[key] ?? []).sorted { ($0.site, $0.name) < ($1.site, $1.name) }
            return NetworkView.Service(
                routingKey: key, listeners: calling, connectors: serving,
                reachable: serving.contains { $0.ready && reachable.contains($0.site) },
                openFlows: serving.reduce(0) { $0 + $1.openFlows }, rate: serving.reduce(0) { $0 + $1.rate })
        }
    }

    private static func placement(_ endpoint: SiteSummary.Endpoint, at site: String) -> NetworkView.Placement {
        NetworkView.Placement(site: site, name: endpoint.name, address: endpoint.address, ready: endpoint.ready, openFlows: endpoint.openFlows,
                              totalFlows: endpoint.totalFlows, bytesIn: endpoint.bytesIn, bytesOut: endpoint.bytesOut,
                              rate: endpoint.rateIn + endpoint.rateOut)
    }
}
