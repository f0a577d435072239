import Foundation

/// Where a link stands: `up`; `connecting` (dialling, or a first hello); `down` (a dial failed or
/// the link dropped; dialled again with backoff); `standby` (an edge site's spare link).
public enum LinkState: String, Codable, Sendable, Hashable {
    case up, connecting, down, standby
}

/// What a router reports about itself (`GET /v1/status`).
public struct RouterStatus: Codable, Sendable, Hashable {
    public struct Link: Codable, Sendable, Hashable {
        /// The Link's name for links this router dials; nil for links accepted from others.
        public var name: String?
        public var direction: String
        public var peerSite: String?
        public var state: LinkState
        public var rttMilliseconds: Double?
        public var bytesIn: Int
        public var bytesOut: Int
        public var openFlows: Int
        public var peerRoutingKeys: [String]
        public var lastError: String?
        /// The software the peer runs, as its HELLO said (nil before the link is up, or from an older router).
        public var peerVersion: String?

        public init(name: String? = nil, direction: String, peerSite: String? = nil, state: LinkState, rttMilliseconds: Double? = nil, bytesIn: Int, bytesOut: Int, openFlows: Int, peerRoutingKeys: [String], lastError: String? = nil, peerVersion: String? = nil) {
            self.name = name
            self.direction = direction
            self.peerSite = peerSite
            self.state = state
            self.rttMilliseconds = rttMilliseconds
            self.bytesIn = bytesIn
            self.bytesOut = bytesOut
            self.openFlows = openFlows
            self.peerRoutingKeys = peerRoutingKeys
            self.lastError = lastError
            self.peerVersion = peerVersion
        }
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
        /// Whether any connector anywhere the router knows serves the key (any of a strategy's keys).
        public var hasMatchingConnector: Bool
        /// A MultiKeyListener's keys that some connector serves now, in its strategy's order
        /// (Skupper's `routingKeysReachable`); nil for a listener with one key.
        public var routingKeysReachable: [String]?

        public init(name: String, routingKey: String, address: String, bound: Bool, error: String? = nil, openFlows: Int, totalFlows: Int, bytesIn: Int, bytesOut: Int,
                    hasMatchingConnector: Bool, routingKeysReachable: [String]? = nil) {
            self.routingKeysReachable = routingKeysReachable
            self.name = name
            self.routingKey = routingKey
            self.address = address
            self.bound = bound
            self.error = error
            self.openFlows = openFlows
            self.totalFlows = totalFlows
            self.bytesIn = bytesIn
            self.bytesOut = bytesOut
            self.hasMatchingConnector = hasMatchingConnector
        }
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

        public init(name: String, routingKey: String, target: String, reachable: Bool, lastError: String? = nil, openFlows: Int, totalFlows: Int, bytesIn: Int, bytesOut: Int) {
            self.name = name
            self.routingKey = routingKey
            self.target = target
            self.reachable = reachable
            self.lastError = lastError
            self.openFlows = openFlows
            self.totalFlows = totalFlows
            self.bytesIn = bytesIn
            self.bytesOut = bytesOut
        }
    }

    public struct Access: Codable, Sendable, Hashable {
        public var role: String
        public var address: String
        public var bound: Bool
        public var error: String?

        public init(role: String, address: String, bound: Bool, error: String? = nil) {
            self.role = role
            self.address = address
            self.bound = bound
            self.error = error
        }
    }

    public var site: String
    /// The software this router runs (`0.1.0 (1a2b3c4d5e6f)`).
    public var version: String?
    public var linkAccess: [Access]
    public var links: [Link]
    public var listeners: [Listener]
    public var connectors: [Connector]
    /// The grant server, when the site has AccessGrants.
    public var grantServer: GrantServerStatus?
    /// The network as this router sees it.
    public var routing: Routing?
    /// The router-wide buffer cap and what links hold against it.
    public var buffers: Buffers?
    /// The router process's memory (absent where the system cannot tell).
    public var memory: Memory?

    /// What the router process holds: resident memory as the kernel counts it, and the heap as the
    /// allocator does. Heap in use grows when something leaks; resident memory also grows when
    /// freed heap cannot go back to the system (fragmentation), and shrinks when it can.
    public struct Memory: Codable, Sendable, Hashable {
        /// Resident bytes in all (the binary's and libraries' pages included).
        public var residentBytes: Int
        /// Resident anonymous bytes: heap, stacks and buffers.
        public var anonymousBytes: Int
        /// Bytes of live allocations (nil where the allocator cannot tell: not glibc's, or a
        /// sanitizer's).
        public var heapInUseBytes: Int?
        /// Bytes freed but still held by the allocator (nil as above).
        public var heapFreeBytes: Int?

        public init(residentBytes: Int, anonymousBytes: Int, heapInUseBytes: Int?, heapFreeBytes: Int?) {
            self.residentBytes = residentBytes
            self.anonymousBytes = anonymousBytes
            self.heapInUseBytes = heapInUseBytes
            self.heapFreeBytes = heapFreeBytes
        }
    }

    /// Bytes links may make the router hold (credit granted to peers plus bytes held), against the cap.
    public struct Buffers: Codable, Sendable, Hashable {
        public var reserved: Int
        public var peak: Int
        public var limit: Int
        /// Streams waiting for room before they give their peer more credit.
        public var waitingStreams: Int

        public init(reserved: Int, peak: Int, limit: Int, waitingStreams: Int) {
            self.reserved = reserved
            self.peak = peak
            self.limit = limit
            self.waitingStreams = waitingStreams
        }
    }

    /// Routes, where each routing key is served, and how much routing talk it took.
    public struct Routing: Codable, Sendable, Hashable {
        /// An edge router takes no part in link-state routing.
        public var edge: Bool
        /// One per reachable interior router (none at an edge router).
        public var routes: [Route]
        /// Routing key → the sites with connectors for it (this one included).
        public var services: [String: [String]]
        /// Sites known from link state, with their neighbours: the network's links.
        public var sites: [String: [String]]
        /// Site → the software its router runs, from link state (interior sites) and HELLO (linked edge sites).
        public var versions: [String: String]?
        public var linkStateSent: Int
        public var linkStateReceived: Int
        /// Flows passing through this router between two links.
        public var transitFlows: Int
        /// Site summaries known (this site's included), and the bytes of SUMMARY frames sent and
        /// received since the router started: what network-wide figures cost it.
        public var summaries: Int?
        public var summaryBytesSent: Int?
        public var summaryBytesReceived: Int?

        public init(edge: Bool, routes: [Route], services: [String: [String]], sites: [String: [String]], linkStateSent: Int, linkStateReceived: Int, transitFlows: Int) {
            self.edge = edge
            self.routes = routes
            self.services = services
            self.sites = sites
            self.linkStateSent = linkStateSent
            self.linkStateReceived = linkStateReceived
            self.transitFlows = transitFlows
        }
    }

    public init(site: String, linkAccess: [Access], links: [Link], listeners: [Listener], connectors: [Connector], grantServer: GrantServerStatus? = nil, routing: Routing? = nil, buffers: Buffers? = nil) {
        self.site = site
        self.linkAccess = linkAccess
        self.links = links
        self.listeners = listeners
        self.connectors = connectors
        self.grantServer = grantServer
        self.routing = routing
        self.buffers = buffers
    }
}
