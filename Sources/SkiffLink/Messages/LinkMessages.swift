/// The JSON payload of a HELLO frame: who is on the other end.
package struct LinkHello: Codable, Sendable {
    package var site: String
    package var protocolVersion: Int
    /// The sender is an edge router: it takes no part in link-state routing.
    package var edge: Bool?
    /// The link's cost, as configured at the dialling side (the accepting side learns it here).
    package var cost: Int?
    /// The initial window the sender grants each stream; the smaller of the two sides' is used.
    package var window: Int?
    /// The largest DATA payload the sender accepts; neither side sends more than the smaller.
    package var maxFrame: Int?
    /// The software the sender runs, for operators (`skiff status`); never acted on.
    package var version: String?
    /// The sender reads SUMMARY frames (absent from routers of earlier releases, which must not be sent one).
    package var summaries: Bool?

    /// Longest `version` accepted.
    package static let maxVersionBytes = 64

    package init(site: String, protocolVersion: Int, edge: Bool? = nil, cost: Int? = nil, window: Int? = nil, maxFrame: Int? = nil,
                 version: String? = nil, summaries: Bool? = nil)
    {
        self.summaries = summaries
        self.site = site
        self.protocolVersion = protocolVersion
        self.edge = edge
        self.cost = cost
        self.window = window
        self.maxFrame = maxFrame
        self.version = version
    }
}

/// The JSON payload of an ADVERT frame: the routing keys reachable through the sender — its own
/// connectors', or, from an interior router to an edge router, every key in the network.
struct RouteAdvert: Codable, Sendable {
    var keys: [String]
}
