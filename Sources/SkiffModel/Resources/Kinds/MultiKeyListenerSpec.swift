/// `MultiKeyListener.spec`: a local port whose connections go to one of several routing keys, by
/// Skupper's strategies.
public struct MultiKeyListenerSpec: Sendable, Hashable {
    public enum Strategy: Sendable, Hashable {
        /// The first key some connector serves now, in this order.
        case priority([String])
        /// Keys some connector serves now, in proportion to their weights (sorted by key).
        case weighted([Weight])
    }

    public struct Weight: Sendable, Hashable {
        public var routingKey: String
        public var weight: Int
    }

    public var host: String
    public var port: Int
    /// Nil unless exactly one of `priority` and `weighted` is given (`NetworkChecks` says which).
    public var strategy: Strategy?

    public init(_ spec: JSONValue) {
        host = spec["host"]?.stringValue ?? ""
        port = spec["port"]?.intValue ?? 0
        let priority = spec["strategy"]?["priority"]?["routingKeys"]?.arrayValue?.compactMap(\.stringValue)
        let weighted = spec["strategy"]?["weighted"]?["routingKeys"]?.objectValue?.compactMap { key, value in
            value.intValue.map { Weight(routingKey: key, weight: $0) }
        }.sorted { $0.routingKey < $1.routingKey }
        switch (priority, weighted) {
        case (let keys?, nil): strategy = .priority(keys)
        case (nil, let weights?): strategy = .weighted(weights)
        default: strategy = nil
        }
    }

    /// Every routing key the strategy names, in its order.
    public var routingKeys: [String] {
        switch strategy {
        case .priority(let keys)?: keys
        case .weighted(let weights)?: weights.map(\.routingKey)
        case nil: []
        }
    }
}
