/// The JSON payload of a HELLO frame: who is on the other end.
struct LinkHello: Codable, Sendable {
    var site: String
    var protocolVersion: Int
    /// The sender is an edge router: it takes no part in link-state routing.
    var edge: Bool?
    /// The link's cost, as configured at the dialling side (the accepting side learns it here).
    var cost: Int?
    /// The initial window the sender grants each stream; the smaller of the two sides' is used.
    var window: Int?
    /// The largest DATA payload the sender accepts; neither side sends more than the smaller.
    var maxFrame: Int?
}

/// The JSON payload of an ADVERT frame: the routing keys reachable through the sender — its own
/// connectors', or, from an interior router to an edge router, every key in the network.
struct RouteAdvert: Codable, Sendable {
    var keys: [String]
}
