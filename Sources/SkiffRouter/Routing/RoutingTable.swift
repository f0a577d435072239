import SkiffLink
import SkiffRouterAPI

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
