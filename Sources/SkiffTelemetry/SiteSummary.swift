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
