/// `Connector.spec`: a local service that serves a routing key.
public struct ConnectorSpec: Sendable, Hashable {
    public var routingKey: String
    public var host: String
    public var port: Int

    public init(_ spec: JSONValue) {
        routingKey = spec["routingKey"]?.stringValue ?? ""
        host = spec["host"]?.stringValue ?? ""
        port = spec["port"]?.intValue ?? 0
    }
}
