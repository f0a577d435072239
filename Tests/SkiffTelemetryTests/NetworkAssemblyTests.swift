import Foundation
import SkiffTelemetry
import Testing

/// The network view from summaries, in memory: which links are up, which sites reachable, whose
/// rates still count.
@Suite("Network view from site summaries")
struct NetworkAssemblyTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func link(_ peer: String, _ direction: String = "outgoing", state: String = "up", rate: Double = 0, name: String? = nil) -> SiteSummary.Link {
        .init(name: direction == "outgoing" ? (name ?? "to-\(peer)") : nil, peer: peer, direction: direction, state: state, cost: 2,
              rttMilliseconds: 0.5, bytesIn: 10, bytesOut: 20, rateIn: rate / 2, rateOut: rate, openFlows: 1)
    }

    static func endpoint(_ key: String, ready: Bool = true, rate: Double = 0) -> SiteSummary.Endpoint {
        .init(name: key, routingKey: key, address: "127.0.0.1:8080", ready: ready, openFlows: 1, totalFlows: 5, bytesIn: 1, bytesOut: 2,
              rateIn: rate, rateOut: rate)
    }

    static func summary(_ origin: String, edge: Bool = false, links: [SiteSummary.Link], listeners: [SiteSummary.Endpoint] = [],
                        connectors: [SiteSummary.Endpoint] = []) -> SiteSummary {
        SiteSummary(origin: origin, sequence: 1, edge: edge, version: "0.1.0", interval: 5, links: links, listeners: listeners,
                    connectors: connectors)
    }

    static func view(_ summaries: [(SiteSummary, age: Double)], topology: [String: [String: Int]] = [:], site: String = "west") -> NetworkView {
        var input: [String: (summary: SiteSummary, receivedAt: Date)] = [:]
        for (summary, age) in summaries { input[summary.origin] = (summary, now.addingTimeInterval(-age)) }
        return NetworkAssembly.view(.init(site: site, now: now, summaries: input, topology: topology, currentFor: 42))
    }

    /// east dials west, north dials west; edge site "shop" dials north.
    static func network(northAge: Double = 1, westListsNorth: Bool = true) -> NetworkView {
        view([
            (summary("west", links: [link("east", "incoming", rate: 100)] + (westListsNorth ? [link("north", "incoming")] : []),
                     listeners: [endpoint("db")]), 1),
            (summary("east", links: [link("west", rate: 50)], connectors: [endpoint("db", rate: 300)]), 2),
            (summary("north", links: [link("west"), link("shop", "incoming")], listeners: [endpoint("db")]), northAge),
            (summary("shop", edge: true, links: [link("north")], connectors: [endpoint("db", rate: 100)]), 3),
        ])
    }

    @Test("every site, every link once (named from the dialling side), every service with where it is")
    func whole() {
        let view = Self.network()
        #expect(view.sites.map(\.name) == ["east", "north", "shop", "west"])
        #expect(view.sites.allSatisfy { $0.reachable })
        #expect(view.sites.first { $0.name == "shop" }?.edge == true)
        #expect(view.links.map { "\($0.from)>\($0.to) \($0.state) \($0.name ?? "-")" } == ["east>west up to-west", "north>west up to-west", "shop>north up to-north"])
        let east = view.links[0]
        #expect(east.rateForward == 50 && east.rateBack == 25, "each direction from the side that sends it")
        let db = try! #require(view.services.first)
        #expect(db.routingKey == "db" && db.reachable)
        #expect(db.listeners.map(\.site) == ["north", "west"] && db.connectors.map(\.site) == ["east", "shop"])
        #expect(db.rate == 800, "both ways through every connector: 600 + 200")
        #expect(view.formatVersion == 1)
    }

    @Test("a router that died: the survivor no longer lists the link, so it is down though the dead site's last summary says up")
    func survivorWins() {
        let view = Self.network(westListsNorth: false)
        #expect(view.links.first { $0.from == "north" }?.state == "down")
        #expect(view.sites.first { $0.name == "north" }?.reachable == false)
        #expect(view.sites.first { $0.name == "shop" }?.reachable == false, "reached only through north")
        let db = view.services[0]
        #expect(db.reachable, "east's connector is still reachable")
        // The link a dialler reports down (dialling again): down whatever the other side last said.
        let dialling = Self.view([
            (Self.summary("west", links: [Self.link("east", "incoming")]), 1),
            (Self.summary("east", links: [Self.link("west", state: "down")]), 1),
        ])
        #expect(dialling.links.map(\.state) == ["down"])
    }

    @Test("a summary no longer current does not vote; its rates stop counting after two intervals")
    func staleness() {
        // North's summary is 60 s old (not current): west's word alone decides, and west lists it up.
        let stale = Self.network(northAge: 60)
        #expect(stale.links.first { $0.from == "north" }?.state == "up")
        // East's rates are 2 s old: they count; 12 s old (past 2 × 5 s + 1): they are zero.
        let fresh = Self.view([(Self.summary("east", links: [], connectors: [Self.endpoint("db", rate: 300)]), 2)], site: "east")
        let quiet = Self.view([(Self.summary("east", links: [], connectors: [Self.endpoint("db", rate: 300)]), 12)], site: "east")
        #expect(fresh.services[0].rate == 600)
        #expect(quiet.services[0].rate == 0)
    }

    @Test("routers whose summaries never came (an earlier release) still show, with their links from link state")
    func topologyOnly() {
        let view = Self.view([(Self.summary("west", links: []), 1)], topology: ["west": ["old": 3], "old": ["west": 3]])
        #expect(view.sites.map(\.name) == ["old", "west"])
        #expect(view.links.map { "\($0.from)>\($0.to) \($0.state) \($0.cost)" } == ["old>west up 3"])
        #expect(view.sites.first { $0.name == "old" }?.summaryAge == nil)
    }

    @Test("a connector that does not answer leaves its service unreachable")
    func unreachableService() {
        let view = Self.view([(Self.summary("west", links: [], listeners: [Self.endpoint("db")], connectors: [Self.endpoint("db", ready: false)]), 1)])
        #expect(view.services.map(\.reachable) == [false])
    }

    @Test("the text of skiff network status names sites, links and services")
    func text() {
        let text = Self.network().renderText()
        #expect(text.hasPrefix("Network seen from west: 4 sites, 3 of 3 links up, 1 services"))
        #expect(text.contains("shop         edge"), "\(text)")
        #expect(text.contains("db: reachable"))
        #expect(text.contains("connector  shop   db"), "\(text)")
    }
}
