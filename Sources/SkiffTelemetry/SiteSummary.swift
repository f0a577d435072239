#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What one site tells the whole network about itself every few seconds (the payload of a SUMMARY
/// frame, docs/protocol.md): its links, listeners and connectors with their counters and rates, and
/// what its reconciler last did. Flooded like a link-state advert — the higher `sequence` from an
/// origin replaces the lower — so every site can show every site's figures.
///
/// Counters are totals since the origin's router started; rates are bytes per second over the
/// origin's last interval, so no receiver needs a clock in step with the origin's.
public struct SiteSummary: Codable, Sendable, Hashable {
    /// One of the origin's links, as the origin sees it.
    public struct Link: Codable, Sendable, Hashable {
        /// The Link's name at the dialling site (nil for a link accepted from another site).
        public var name: String?
        /// The site at the other end (nil while a dial has not reached it).
        public var peer: String?
        /// `outgoing` (this site dials) or `incoming`.
        public var direction: String
        /// `up`, `connecting`, `down` or `standby`.
        public var state: String
        public var cost: Int
        public var rttMilliseconds: Double?
        public var bytesIn: Int
        public var bytesOut: Int
        /// Bytes per second over the origin's last interval.
        public var rateIn: Double
        public var rateOut: Double
        public var openFlows: Int

        public init(name: String?, peer: String?, direction: String, state: String, cost: Int, rttMilliseconds: Double?,
                    bytesIn: Int, bytesOut: Int, rateIn: Double, rateOut: Double, openFlows: Int)
        {
            self.name = name
            self.peer = peer
            self.direction = direction
            self.state = state
            self.cost = cost
            self.rttMilliseconds = rttMilliseconds
            self.bytesIn = bytesIn
            self.bytesOut = bytesOut
            self.rateIn = rateIn
            self.rateOut = rateOut
            self.openFlows = openFlows
        }

        // On the wire: short keys, and a field at its default (zero, none) left out — a site's
        // summary goes to every router several times over, so its size is the cost.
        enum CodingKeys: String, CodingKey {
            case name = "n", peer = "p", direction = "d", state = "s", cost = "c", rttMilliseconds = "t", bytesIn = "bi", bytesOut = "bo",
                 rateIn = "ri", rateOut = "ro", openFlows = "f"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(name: try c.decodeIfPresent(String.self, forKey: .name), peer: try c.decodeIfPresent(String.self, forKey: .peer),
                      direction: try c.decodeIfPresent(String.self, forKey: .direction) ?? "outgoing",
                      state: try c.decode(String.self, forKey: .state), cost: try c.decodeIfPresent(Int.self, forKey: .cost) ?? 1,
                      rttMilliseconds: try c.decodeIfPresent(Double.self, forKey: .rttMilliseconds),
                      bytesIn: try c.decodeIfPresent(Int.self, forKey: .bytesIn) ?? 0, bytesOut: try c.decodeIfPresent(Int.self, forKey: .bytesOut) ?? 0,
                      rateIn: try c.decodeIfPresent(Double.self, forKey: .rateIn) ?? 0, rateOut: try c.decodeIfPresent(Double.self, forKey: .rateOut) ?? 0,
                      openFlows: try c.decodeIfPresent(Int.self, forKey: .openFlows) ?? 0)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(name, forKey: .name)
            try c.encodeIfPresent(peer, forKey: .peer)
            if direction != "outgoing" { try c.encode(direction, forKey: .direction) }
            try c.encode(state, forKey: .state)
            if cost != 1 { try c.encode(cost, forKey: .cost) }
            try c.encodeIfPresent(rttMilliseconds, forKey: .rttMilliseconds)
            try SummaryCoding.encodeNonZero(bytesIn, bytesOut, openFlows, keys: (.bytesIn, .bytesOut, .openFlows), in: &c)
            try SummaryCoding.encodeNonZero(rateIn, rateOut, keys: (.rateIn, .rateOut), in: &c)
        }
    }

    /// A listener or a connector at the origin.
    public struct Endpoint: Codable, Sendable, Hashable {
        public var name: String
        public var routingKey: String
        /// A listener's `host:port`; a connector's target.
        public var address: String
        /// A listener is bound; a connector's target answers.
        public var ready: Bool
        public var openFlows: Int
        public var totalFlows: Int
        public var bytesIn: Int
        public var bytesOut: Int
        public var rateIn: Double
        public var rateOut: Double

        public init(name: String, routingKey: String, address: String, ready: Bool, openFlows: Int, totalFlows: Int,
                    bytesIn: Int, bytesOut: Int, rateIn: Double, rateOut: Double)
        {
            self.name = name
            self.routingKey = routingKey
            self.address = address
            self.ready = ready
            self.openFlows = openFlows
            self.totalFlows = totalFlows
            self.bytesIn = bytesIn
            self.bytesOut = bytesOut
            self.rateIn = rateIn
            self.rateOut = rateOut
        }

        enum CodingKeys: String, CodingKey {
            case name = "n", routingKey = "k", address = "a", ready = "r", openFlows = "f", totalFlows = "tf", bytesIn = "bi", bytesOut = "bo",
                 rateIn = "ri", rateOut = "ro"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let name = try c.decode(String.self, forKey: .name)
            self.init(name: name, routingKey: try c.decodeIfPresent(String.self, forKey: .routingKey) ?? name,
                      address: try c.decode(String.self, forKey: .address), ready: try c.decodeIfPresent(Bool.self, forKey: .ready) ?? false,
                      openFlows: try c.decodeIfPresent(Int.self, forKey: .openFlows) ?? 0,
                      totalFlows: try c.decodeIfPresent(Int.self, forKey: .totalFlows) ?? 0,
                      bytesIn: try c.decodeIfPresent(Int.self, forKey: .bytesIn) ?? 0, bytesOut: try c.decodeIfPresent(Int.self, forKey: .bytesOut) ?? 0,
                      rateIn: try c.decodeIfPresent(Double.self, forKey: .rateIn) ?? 0, rateOut: try c.decodeIfPresent(Double.self, forKey: .rateOut) ?? 0)
        }

        /// The routing key is left out when it is the name (as it mostly is), and `ready` when false.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            if routingKey != name { try c.encode(routingKey, forKey: .routingKey) }
            try c.encode(address, forKey: .address)
            if ready { try c.encode(true, forKey: .ready) }
            try SummaryCoding.encodeNonZero(openFlows, totalFlows, bytesIn, keys: (.openFlows, .totalFlows, .bytesIn), in: &c)
            if bytesOut != 0 { try c.encode(bytesOut, forKey: .bytesOut) }
            try SummaryCoding.encodeNonZero(rateIn, rateOut, keys: (.rateIn, .rateOut), in: &c)
        }
    }

    /// The router (site) that issued it.
    public var origin: String
    /// Starts at the origin's start time in milliseconds and grows by one per summary, so a
    /// restarted router's summaries are newer than the ones the network remembers.
    public var sequence: UInt64
    /// The origin is an edge site.
    public var edge: Bool
    /// The software the origin runs.
    public var version: String?
    /// How often the origin issues a summary while its figures change, in seconds: its rates are
    /// current for two intervals, no longer.
    public var interval: Double
    public var links: [Link]
    public var listeners: [Endpoint]
    public var connectors: [Endpoint]
    /// What the site's reconciler last did (nil where none reported yet).
    public var gitops: GitOpsReport?

    public init(origin: String, sequence: UInt64, edge: Bool, version: String?, interval: Double, links: [Link],
                listeners: [Endpoint], connectors: [Endpoint], gitops: GitOpsReport? = nil)
    {
        self.origin = origin
        self.sequence = sequence
        self.edge = edge
        self.version = version
        self.interval = interval
        self.links = links
        self.listeners = listeners
        self.connectors = connectors
        self.gitops = gitops
    }

    enum CodingKeys: String, CodingKey {
        case origin = "o", sequence = "q", edge = "e", version = "v", interval = "i", links = "l", listeners = "ls", connectors = "cs",
             gitops = "g"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(origin: try c.decode(String.self, forKey: .origin), sequence: try c.decode(UInt64.self, forKey: .sequence),
                  edge: try c.decodeIfPresent(Bool.self, forKey: .edge) ?? false, version: try c.decodeIfPresent(String.self, forKey: .version),
                  interval: try c.decode(Double.self, forKey: .interval), links: try c.decodeIfPresent([Link].self, forKey: .links) ?? [],
                  listeners: try c.decodeIfPresent([Endpoint].self, forKey: .listeners) ?? [],
                  connectors: try c.decodeIfPresent([Endpoint].self, forKey: .connectors) ?? [],
                  gitops: try c.decodeIfPresent(GitOpsReport.self, forKey: .gitops))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(origin, forKey: .origin)
        try c.encode(sequence, forKey: .sequence)
        if edge { try c.encode(true, forKey: .edge) }
        try c.encodeIfPresent(version, forKey: .version)
        try c.encode(interval, forKey: .interval)
        if !links.isEmpty { try c.encode(links, forKey: .links) }
        if !listeners.isEmpty { try c.encode(listeners, forKey: .listeners) }
        if !connectors.isEmpty { try c.encode(connectors, forKey: .connectors) }
        try c.encodeIfPresent(gitops, forKey: .gitops)
    }

    /// Same content apart from the sequence: a summary need not go out again for it.
    public func sameContent(as other: SiteSummary) -> Bool {
        var other = other
        other.sequence = sequence
        return self == other
    }

    /// Whether any rate is above zero: while one is, the origin issues a summary every interval.
    public var isCarryingTraffic: Bool {
        links.contains { $0.rateIn > 0 || $0.rateOut > 0 }
            || (listeners + connectors).contains { $0.rateIn > 0 || $0.rateOut > 0 }
    }
}

/// Leaving zeros out of a summary on the wire.
enum SummaryCoding {
    static func encodeNonZero<Key: CodingKey, Number: Numeric & Encodable>(_ a: Number, _ b: Number, keys: (Key, Key),
                                                                          in container: inout KeyedEncodingContainer<Key>) throws
    {
        if a != 0 { try container.encode(a, forKey: keys.0) }
        if b != 0 { try container.encode(b, forKey: keys.1) }
    }

    static func encodeNonZero<Key: CodingKey, Number: Numeric & Encodable>(_ a: Number, _ b: Number, _ c: Number, keys: (Key, Key, Key),
                                                                          in container: inout KeyedEncodingContainer<Key>) throws
    {
        try encodeNonZero(a, b, keys: (keys.0, keys.1), in: &container)
        if c != 0 { try container.encode(c, forKey: keys.2) }
    }
}
