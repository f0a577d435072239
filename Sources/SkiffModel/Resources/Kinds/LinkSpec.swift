/// `Link.spec`: a link this site dials.
public struct LinkSpec: Sendable, Hashable {
    public struct Endpoint: Sendable, Hashable {
        public var name: String?
        public var host: String
        public var port: Int
    }

    public var endpoints: [Endpoint]
    public var cost: Int
    public var tlsCredentials: String?

    public init(_ spec: JSONValue) {
        endpoints = (spec["endpoints"]?.arrayValue ?? []).map { endpoint in
            let port = endpoint["port"]?.intValue ?? endpoint["port"]?.stringValue.flatMap { Int($0) } ?? 0
            return Endpoint(name: endpoint["name"]?.stringValue, host: endpoint["host"]?.stringValue ?? "", port: port)
        }
        cost = spec["cost"]?.intValue ?? 1
        tlsCredentials = spec["tlsCredentials"]?.stringValue
    }
}
