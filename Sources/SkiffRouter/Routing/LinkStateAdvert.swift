/// What one interior router tells the whole network about itself: its neighbours with link costs and
/// the routing keys it serves. Flooded to every interior router; the higher `sequence` from the same
/// origin replaces the lower.
public struct LinkStateAdvert: Codable, Sendable, Hashable {
    public struct Neighbour: Codable, Sendable, Hashable, Comparable {
        public var site: String
        public var cost: Int

        public init(site: String, cost: Int) {
            self.site = site
            self.cost = cost
        }

        public static func < (lhs: Neighbour, rhs: Neighbour) -> Bool { (lhs.site, lhs.cost) < (rhs.site, rhs.cost) }
    }

    /// The router (site) that issued it.
    public var origin: String
    /// Starts at the origin's start time in milliseconds, so a restarted router's adverts are newer
    /// than the ones the network still remembers from before.
    public var sequence: UInt64
    public var neighbours: [Neighbour]
    /// Routing keys served here: reachable local connectors and those of attached edge sites.
    public var keys: [String]

    public init(origin: String, sequence: UInt64, neighbours: [Neighbour], keys: [String]) {
        self.origin = origin
        self.sequence = sequence
        self.neighbours = neighbours.sorted()
        self.keys = keys.sorted()
    }

    /// Most neighbours and routing keys one advert may list, and the longest name in it: an advert
    /// beyond them is a protocol error, so a peer cannot grow every router's database without bound.
    public static let maxNeighbours = 1_024
    public static let maxKeys = 10_000

    /// Whether the advert stays within the limits.
    public var isWellFormed: Bool {
        let names = [origin] + neighbours.map(\.site)
        return neighbours.count <= Self.maxNeighbours && keys.count <= Self.maxKeys
            && names.allSatisfy { !$0.isEmpty && $0.utf8.count <= WireFormat.maxRoutingKeyBytes }
            && keys.allSatisfy { !$0.isEmpty && $0.utf8.count <= WireFormat.maxRoutingKeyBytes }
            && neighbours.allSatisfy { $0.cost >= 1 }
    }

    /// Same content, whatever the sequence: no need to flood a new one.
    func sameContent(as other: LinkStateAdvert) -> Bool {
        origin == other.origin && neighbours == other.neighbours && keys == other.keys
    }
}
