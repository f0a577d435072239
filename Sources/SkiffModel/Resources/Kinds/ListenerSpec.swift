/// `Listener.spec`: a local port whose connections go to a routing key.
public struct ListenerSpec: Sendable, Hashable {
    public var routingKey: String
    public var host: String
    public var port: Int

    public init(_ spec: JSONValue) {
        routingKey = spec["routingKey"]?.stringValue ?? ""
        host = spec["host"]?.stringValue ?? ""
        port = spec["port"]?.intValue ?? 0
    }
}
