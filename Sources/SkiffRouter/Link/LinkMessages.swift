/// The JSON payload of a HELLO frame: who is on the other end.
struct LinkHello: Codable, Sendable {
    var site: String
    var protocolVersion: Int
}

/// The JSON payload of an ADVERT frame: the routing keys a router has connectors for.
struct RouteAdvert: Codable, Sendable {
    var keys: [String]
}
