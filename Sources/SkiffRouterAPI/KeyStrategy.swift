/// How a listener with several routing keys (Skupper's MultiKeyListener) picks one per connection.
public enum KeyStrategy: Codable, Sendable, Hashable {
    /// The first key that some connector serves now, in this order.
    case priority([String])
    /// The keys that some connector serves now, each in proportion to its weight (0: never).
    case weighted([WeightedKey])

    public struct WeightedKey: Codable, Sendable, Hashable {
        public var routingKey: String
        public var weight: Int

        public init(routingKey: String, weight: Int) {
            self.routingKey = routingKey
            self.weight = weight
        }
    }

    /// Every key the strategy names, in its order.
    public var routingKeys: [String] {
        switch self {
        case .priority(let keys): keys
        case .weighted(let weights): weights.map(\.routingKey)
        }
    }
}
