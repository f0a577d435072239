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
    /// The software the origin runs (`0.1.0 (1a2b3c4d5e6f)`), so every site can show every
    /// site's; older routers send none.
    public var version: String?

    public init(origin: String, sequence: UInt64, neighbours: [Neighbour], keys: [String], version: String? = nil) {
        self.origin = origin
        self.sequence = sequence
        self.neighbours = neighbours.sorted()
        self.keys = keys.sorted()
        self.version = version
    }

    /// Most neighbours and routing keys one advert may list, and the longest name in it: an advert
    /// beyond them is a protocol error, so a peer cannot grow every router's database without bound.
    public static let maxNeighbours = 1_024
    public static let maxKeys = 10_000
    /// Highest sequence accepted (2^53: milliseconds since 1970 stay far below it for 285,000
    /// years). A higher one is a protocol error, so no arithmetic on a sequence can overflow and a
    /// peer cannot push the network's sequences to the end of the range.
    public static let maxSequence: UInt64 = 1 << 53
    /// Highest link cost an advert may list (sums of costs along a path cannot overflow).
    public static let maxCost = 1_000_000

    /// Whether the advert stays within the limits.
    public var isWellFormed: Bool {
        let names = [origin] + neighbours.map(\.site)
        return neighbours.count <= Self.maxNeighbours && keys.count <= Self.maxKeys
            && names.allSatisfy { !$0.isEmpty && $0.utf8.count <= WireFormat.maxRoutingKeyBytes }
            && keys.allSatisfy { !$0.isEmpty && $0.utf8.count <= WireFormat.maxRoutingKeyBytes }
            && neighbours.allSatisfy { (1...Self.maxCost).contains($0.cost) }
            && sequence <= Self.maxSequence
            && version.map { LinkHello.isPrintable($0, maxBytes: LinkHello.maxVersionBytes) } ?? true
    }

    /// Same content, whatever the sequence: no need to flood a new one.
    package func sameContent(as other: LinkStateAdvert) -> Bool {
        origin == other.origin && neighbours == other.neighbours && keys == other.keys && version == other.version
    }
}
