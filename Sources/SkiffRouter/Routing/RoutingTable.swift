/// Where each reachable router is: the neighbour to hand a flow to, and the path's total cost.
public struct Route: Codable, Sendable, Hashable {
    public var destination: String
    public var nextHop: String
    public var cost: Int

    public init(destination: String, nextHop: String, cost: Int) {
        self.destination = destination
        self.nextHop = nextHop
        self.cost = cost
    }
}

/// The outcome of a route computation: one route per reachable router (not this one).
public struct RoutingTable: Sendable, Hashable {
    public var routes: [String: Route]

    public init(routes: [String: Route] = [:]) {
        self.routes = routes
    }

    public subscript(destination: String) -> Route? { routes[destination] }

    /// Sorted by destination, for status.
    public var sorted: [Route] { routes.values.sorted { $0.destination < $1.destination } }
}
