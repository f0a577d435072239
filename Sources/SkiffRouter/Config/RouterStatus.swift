/// What a router reports about itself (`GET /v1/status`).
public struct RouterStatus: Codable, Sendable, Hashable {
    public struct Link: Codable, Sendable, Hashable {
        /// The Link's name for links this router dials; nil for links accepted from others.
        public var name: String?
        public var direction: String
        public var peerSite: String?
        /// `up`, `connecting` or `down`.
        public var state: String
        public var rttMilliseconds: Double?
        public var bytesIn: Int
        public var bytesOut: Int
        public var openFlows: Int
        public var peerRoutingKeys: [String]
        public var lastError: String?
    }

    public struct Listener: Codable, Sendable, Hashable {
        public var name: String
        public var routingKey: String
        public var address: String
        public var bound: Bool
        public var error: String?
        public var openFlows: Int
        public var totalFlows: Int
        public var bytesIn: Int
        public var bytesOut: Int
        /// Whether any connector anywhere the router knows serves the key.
        public var hasMatchingConnector: Bool
    }

    public struct Connector: Codable, Sendable, Hashable {
        public var name: String
        public var routingKey: String
        public var target: String
        public var reachable: Bool
        public var lastError: String?
        public var openFlows: Int
        public var totalFlows: Int
        public var bytesIn: Int
        public var bytesOut: Int
    }

    public struct Access: Codable, Sendable, Hashable {
        public var role: String
        public var address: String
        public var bound: Bool
        public var error: String?
    }

    public var site: String
    public var linkAccess: [Access]
    public var links: [Link]
    public var listeners: [Listener]
    public var connectors: [Connector]
}
