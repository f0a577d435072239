import Foundation

/// Everything a router does, as one document: what the reconciler pushes through the management
/// API (`PUT /v1/config`) and what `router/config.json` holds. Applying a new one changes only
/// what differs.
public struct RouterConfig: Codable, Sendable, Hashable {
    /// Where this router accepts links (RouterAccess roles).
    public struct LinkAccess: Codable, Sendable, Hashable {
        public var role: String
        public var host: String
        public var port: Int

        public init(role: String, host: String, port: Int) {
            self.role = role
            self.host = host
            self.port = port
        }
    }

    /// A link this router dials.
    public struct Link: Codable, Sendable, Hashable {
        public var name: String
        public var host: String
        public var port: Int
        public var cost: Int
        /// Folder name under `pki/links/` with `tls.crt`, `tls.key`, `ca.crt`.
        public var credentials: String

        public init(name: String, host: String, port: Int, cost: Int = 1, credentials: String? = nil) {
            self.name = name
            self.host = host
            self.port = port
            self.cost = cost
            self.credentials = credentials ?? name
        }

        enum CodingKeys: String, CodingKey { case name, host, port, cost, credentials }

        /// `cost` defaults to 1 and `credentials` to the link's name.
        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(name: try container.decode(String.self, forKey: .name), host: try container.decode(String.self, forKey: .host),
                      port: try container.decode(Int.self, forKey: .port), cost: try container.decodeIfPresent(Int.self, forKey: .cost) ?? 1,
                      credentials: try container.decodeIfPresent(String.self, forKey: .credentials))
        }
    }

    /// A routing key bound to a local host:port: for a listener the address it binds, for a
    /// connector the service it dials.
    public struct Binding: Codable, Sendable, Hashable {
        public var name: String
        public var routingKey: String
        public var host: String
        public var port: Int
        /// A listener's choice among several routing keys (a MultiKeyListener); nil: `routingKey` alone.
        public var strategy: KeyStrategy?
        /// TLS toward the application (a listener terminates it, a connector speaks it to its
        /// backend); nil: plain TCP.
        public var tls: ApplicationTLS?

        public init(name: String, routingKey: String, host: String, port: Int, strategy: KeyStrategy? = nil, tls: ApplicationTLS? = nil) {
            self.name = name
            self.routingKey = routingKey
            self.host = host
            self.port = port
            self.strategy = strategy
            self.tls = tls
        }
    }

    /// How a listener or connector speaks TLS to its application, with credentials from
    /// `pki/certificates/<credentials>/` (`tls.crt`, `tls.key`, `ca.crt`).
    public struct ApplicationTLS: Codable, Sendable, Hashable {
        public var credentials: String
        /// A listener requires clients to present a certificate that chains to `ca.crt`; a
        /// connector presents `tls.crt` to its backend.
        public var clientCertificate: Bool
        /// A connector checks that the backend's certificate names the host it dials.
        public var verifyHostname: Bool
        /// Changes when the credential files change (their serials): the router loads them again.
        public var revision: String?

        public init(credentials: String, clientCertificate: Bool = false, verifyHostname: Bool = false, revision: String? = nil) {
            self.credentials = credentials
            self.clientCertificate = clientCertificate
            self.verifyHostname = verifyHostname
            self.revision = revision
        }
    }

    /// A local port whose connections go to a routing key.
    public typealias Listener = Binding
    /// A local service that serves a routing key.
    public typealias Connector = Binding

    public var site: String
    /// An edge router: dials one interior router at a time and takes no part in link-state routing.
    public var edge: Bool
    public var linkAccess: [LinkAccess]
    public var links: [Link]
    public var listeners: [Listener]
    public var connectors: [Connector]
    public var tuning: RouterTuning
    /// Changes whenever the certificates on disk change (the reconciler sets it from their serials):
    /// a new value makes the router load them again for new links.
    public var tlsRevision: String?
    /// The grant server's address and grants; nil when the site grants nothing.
    public var grantServer: GrantServerConfig?
    /// Provided credentials (`pki/certificates/<name>`) the router serves links and grants with;
    /// nil: the certificate Skiff generates (`pki/server`).
    public var serverCredentials: String?
    /// Other sites' CAs the router accepts links from (link trust through git), besides its own trust bundle.
    public var peerCAs: [PeerCA] = []

    public init(site: String, edge: Bool = false, linkAccess: [LinkAccess] = [], links: [Link] = [], listeners: [Listener] = [],
                connectors: [Connector] = [], tuning: RouterTuning = .defaults)
    {
        self.site = site
        self.edge = edge
        self.linkAccess = linkAccess
        self.links = links
        self.listeners = listeners
        self.connectors = connectors
        self.tuning = tuning
    }

    enum CodingKeys: String, CodingKey { case site, edge, linkAccess, links, listeners, connectors, tuning, tlsRevision, grantServer, serverCredentials, peerCAs }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        site = try container.decode(String.self, forKey: .site)
        edge = try container.decodeIfPresent(Bool.self, forKey: .edge) ?? false
        linkAccess = try container.decodeIfPresent([LinkAccess].self, forKey: .linkAccess) ?? []
        links = try container.decodeIfPresent([Link].self, forKey: .links) ?? []
        listeners = try container.decodeIfPresent([Listener].self, forKey: .listeners) ?? []
        connectors = try container.decodeIfPresent([Connector].self, forKey: .connectors) ?? []
        tuning = try container.decodeIfPresent(RouterTuning.self, forKey: .tuning) ?? .defaults
        tlsRevision = try container.decodeIfPresent(String.self, forKey: .tlsRevision)
        grantServer = try container.decodeIfPresent(GrantServerConfig.self, forKey: .grantServer)
        serverCredentials = try container.decodeIfPresent(String.self, forKey: .serverCredentials)
        peerCAs = try container.decodeIfPresent([PeerCA].self, forKey: .peerCAs) ?? []
    }
}

/// Numbers that shape the data plane.
public struct RouterTuning: Codable, Sendable, Hashable {
    /// The most a stream's receive window grows to: bytes the peer may have in flight before it must
    /// wait for credit. Default 4 MiB.
    public var streamWindow: Int
    /// The window each stream starts with (announced in HELLO; the smaller side's is used), as
    /// HTTP/2's default. It doubles up to `streamWindow` while the reader keeps up. Default 64 KiB.
    public var initialStreamWindow: Int
    /// Largest frame payload sent or accepted. Default 1 MiB.
    public var maxFramePayload: Int
    /// Most streams open on one link; an open beyond it is reset and the link lives on. Default 20,000.
    public var maxStreamsPerLink: Int
    /// Seconds between keepalive pings. Default 1.
    public var keepaliveInterval: Double
    /// Seconds of silence after which a link is declared dead. Default 3.
    public var keepaliveTimeout: Double
    /// Seconds a connector dial may take before the flow is reset. Default 2.
    public var connectTimeout: Double
    /// Bytes the whole router may hold for delivery before it stops reading from links. Default 256 MiB.
    public var maxBufferedBytes: Int
    /// Seconds between re-sent link-state adverts (sent at once on every change too). Default 60:
    /// links are reliable and a new link learns the whole database, so a refresh only keeps adverts
    /// alive, and each costs every router a message per link (200 routers: 13 a second each).
    public var advertRefresh: Double
    /// Seconds after which an advert not refreshed is dropped (three refreshes missed). Default 190.
    /// A dead router's routes go at once (its neighbours withdraw it); this only forgets it.
    public var advertMaxAge: Double
    /// Seconds between a site's summaries while its figures change (links, flows, bytes): the
    /// network's view of the site and its throughput history move in these steps. Default 5.
    public var summaryInterval: Double

    public init(streamWindow: Int, maxFramePayload: Int, maxStreamsPerLink: Int, keepaliveInterval: Double,
                keepaliveTimeout: Double, connectTimeout: Double, maxBufferedBytes: Int = 256 << 20, advertRefresh: Double = 60,
                advertMaxAge: Double = 190, initialStreamWindow: Int = 64 << 10, summaryInterval: Double = 5)
    {
        self.summaryInterval = min(max(summaryInterval, 1), 3_600)
        self.initialStreamWindow = min(initialStreamWindow, streamWindow)
        self.maxBufferedBytes = maxBufferedBytes
        self.advertRefresh = advertRefresh
        self.advertMaxAge = advertMaxAge
        self.streamWindow = streamWindow
        self.maxFramePayload = maxFramePayload
        self.maxStreamsPerLink = maxStreamsPerLink
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveTimeout = keepaliveTimeout
        self.connectTimeout = connectTimeout
    }

    enum CodingKeys: String, CodingKey {
        case streamWindow, maxFramePayload, maxStreamsPerLink, keepaliveInterval, keepaliveTimeout, connectTimeout, maxBufferedBytes,
             advertRefresh, advertMaxAge, initialStreamWindow, summaryInterval
    }

    /// Every field is optional in JSON; a missing one takes its default.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self.defaults
        self.init(
            streamWindow: try container.decodeIfPresent(Int.self, forKey: .streamWindow) ?? defaults.streamWindow,
            maxFramePayload: try container.decodeIfPresent(Int.self, forKey: .maxFramePayload) ?? defaults.maxFramePayload,
            maxStreamsPerLink: try container.decodeIfPresent(Int.self, forKey: .maxStreamsPerLink) ?? defaults.maxStreamsPerLink,
            keepaliveInterval: try container.decodeIfPresent(Double.self, forKey: .keepaliveInterval) ?? defaults.keepaliveInterval,
            keepaliveTimeout: try container.decodeIfPresent(Double.self, forKey: .keepaliveTimeout) ?? defaults.keepaliveTimeout,
            connectTimeout: try container.decodeIfPresent(Double.self, forKey: .connectTimeout) ?? defaults.connectTimeout,
            maxBufferedBytes: try container.decodeIfPresent(Int.self, forKey: .maxBufferedBytes) ?? defaults.maxBufferedBytes,
            advertRefresh: try container.decodeIfPresent(Double.self, forKey: .advertRefresh) ?? defaults.advertRefresh,
            advertMaxAge: try container.decodeIfPresent(Double.self, forKey: .advertMaxAge) ?? defaults.advertMaxAge,
            initialStreamWindow: try container.decodeIfPresent(Int.self, forKey: .initialStreamWindow) ?? defaults.initialStreamWindow,
            summaryInterval: try container.decodeIfPresent(Double.self, forKey: .summaryInterval) ?? defaults.summaryInterval)
    }

    /// 4 MiB stream window (starting at 64 KiB), 1 MiB frames, 20,000 streams per link, ping every 1 s, dead
    /// after 3 s, 2 s connect timeout, 256 MiB held for delivery router-wide.
    public static let defaults = RouterTuning(streamWindow: 4 << 20, maxFramePayload: 1 << 20, maxStreamsPerLink: 20_000,
                                              keepaliveInterval: 1, keepaliveTimeout: 3, connectTimeout: 2)
}
