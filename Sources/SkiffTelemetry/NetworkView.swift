#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The whole network as one site sees it, assembled from every site's summary and its routing
/// topology: what `skiff network status`, the console and `/api/v1/network` show. Versioned by
/// `formatVersion`; fields are only ever added.
public struct NetworkView: Codable, Sendable, Hashable {
    public static let formatVersion = 1

    public struct Site: Codable, Sendable, Hashable {
        public var name: String
        public var edge: Bool
        /// The site this view is from.
        public var local: Bool
        /// Reached from the local site over links that are up.
        public var reachable: Bool
        public var version: String?
        /// Seconds since its latest summary arrived (nil: none has, e.g. a router of an older release).
        public var summaryAge: Double?
        public var linksUp: Int
        public var links: Int
        public var listeners: Int
        public var connectors: Int
        public var openFlows: Int
        public var gitops: GitOpsReport?
    }

    /// A link between two sites, whichever dials (several links between one pair show as one: the best).
    public struct Link: Codable, Sendable, Hashable {
        /// The dialling site (or the lower name when it is not known) and the other end.
        public var from: String
        public var to: String
        /// The Link's name at the dialling site.
        public var name: String?
        /// `up`, `connecting`, `down` or `standby`.
        public var state: String
        public var cost: Int
        public var rttMilliseconds: Double?
        /// Bytes per second from `from` to `to`, and back.
        public var rateForward: Double
        public var rateBack: Double
        public var bytesForward: Int
        public var bytesBack: Int
        public var openFlows: Int

        /// The key the throughput history files it under.
        public var id: String { from + ">" + to }
    }

    /// Where a listener or a connector is, with its figures.
    public struct Placement: Codable, Sendable, Hashable {
        public var site: String
        public var name: String
        public var address: String
        public var ready: Bool
        public var openFlows: Int
        public var totalFlows: Int
        public var bytesIn: Int
        public var bytesOut: Int
        public var rate: Double
    }

    /// A routing key with its listeners and connectors across the network.
    public struct Service: Codable, Sendable, Hashable {
        public var routingKey: String
        public var listeners: [Placement]
        public var connectors: [Placement]
        /// Some connector at a reachable site answers.
        public var reachable: Bool
        public var openFlows: Int
        /// Bytes per second through its connectors, both ways.
        public var rate: Double
    }

    public var formatVersion: Int
    /// The site answering.
    public var site: String
    public var generatedAt: Date
    public var sites: [Site]
    public var links: [Link]
    public var services: [Service]

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", site, generatedAt, sites, links, services
    }
}
