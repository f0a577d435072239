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
