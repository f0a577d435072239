/// A routing key bound to a local host:port — the spec of both ends of a service.
///
/// For a `Listener`, `host:port` is where the local port is bound; for a `Connector`, it is the
/// service that flows are delivered to.
public struct RoutingKeyAddress: Sendable, Hashable {
    public var routingKey: String
    public var host: String
    public var port: Int

    public init(_ spec: JSONValue) {
        routingKey = spec["routingKey"]?.stringValue ?? ""
        host = spec["host"]?.stringValue ?? ""
        port = spec["port"]?.intValue ?? 0
    }
}

/// `Listener.spec`: a local port whose connections go to a routing key.
public typealias ListenerSpec = RoutingKeyAddress

/// `Connector.spec`: a local service that serves a routing key.
public typealias ConnectorSpec = RoutingKeyAddress
