import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SkiffLink
import SkiffPKI
import SkiffRouterAPI

/// A site's data plane: accepts and dials links, binds listeners, dials connectors, routes flows.
///
/// Every piece of state lives on one event loop (`loop`); public methods hop onto it. One loop per
/// process keeps a flow's bytes on one core with no locks, which is what a 2-core site wants. The
/// one piece of work that leaves it is making connections to connectors' targets
/// (`ConnectorDialer`'s thread holds no router state: it hands back connected sockets).
public final class Router: @unchecked Sendable {
    public let loop: EventLoop
    let pkiRoot: String
    let logger: Logger
    private(set) var config: RouterConfig

    var accessServers: [RouterConfig.LinkAccess: BoundServer] = [:]
    var dialers: [String: LinkDialer] = [:]
    var incoming: [ObjectIdentifier: LinkSession] = [:]
    var listeners: [String: ListenerState] = [:]
    var connectors: [String: ConnectorState] = [:]
    /// Other sites' CAs accepted for links through git, each for its own site (`RouterConfig.peerCAs`).
    var peerAuthorities: [SiteBoundCA] = []
    /// Services hosted beside the router that follow its configuration (the grant server).
    let companions: [RouterCompanion]
    // Routing (Router+Routing.swift): the link-state database, the routes computed from it, and the
    // flows sent toward each destination, which anycast balancing weighs.
    var linkState = LinkStateDatabase()
    var routingTable = RoutingTable()
    /// This router's advert sequence: its start time in milliseconds, then +1 per advert.
    var advertSequence = UInt64(Date().timeIntervalSince1970 * 1000)
    var flowsTo: [String: FlowCounters] = [:]
    /// Advances with every balancing decision, to rotate among equal choices.
    var turn = 0
    var linkStateSent = 0
    var linkStateReceived = 0
    /// The keys last advertised to edge peers.
    var lastNetworkKeys: Set<String> = []
    /// Flows passing through this router between two links.
    let transitCounters: FlowCounters
    var routingTimer: RepeatedTask?
    /// Seconds since this router last refreshed its own advert (counted by the routing timer).
    var secondsSinceRefresh = 0.0
    /// This router's changed advert waits to be flooded (see `originateAdvert`).
    var floodScheduled = false
    var lastOwnFlood = NIODeadline.distantPast
    /// The router-wide cap on bytes links may make this router hold; one for the router's life, so
    /// a tuning change caps existing links too.
    let budget: BufferBudget
    /// Dials connectors' targets off the loop for new flows (its thread starts with the first).
    let connectorDialer = ConnectorDialer()
    /// Every site's summary, this router's own, throughput history (Telemetry/).
    var telemetry = TelemetryState()
    /// A summary is to be issued soon (`summarySoon`).
    var telemetryScheduled = false

    /// A router for the site whose state directory is `stateDirectory` (certificates under `pki/`),
    /// with `companions` configured, asked for status and stopped along with it.
    public init(stateDirectory: String, loop: EventLoop, logger: Logger = Logger(label: "skiff.router"),
                companions: [RouterCompanion] = []) {
        self.loop = loop
        self.pkiRoot = stateDirectory + "/pki"
        self.logger = logger
        self.config = RouterConfig(site: "")
        self.companions = companions
        budget = BufferBudget(limit: RouterTuning.defaults.maxBufferedBytes, loop: loop)
        transitCounters = FlowCounters(loop: loop)
        startRoutingTimer()
    }

    /// Makes the router match `new`, changing only what differs: unchanged listeners, connectors
    /// and links, and the flows on them, are not touched.
    public func apply(_ new: RouterConfig) -> EventLoopFuture<Void> {
        loop.flatSubmit { self.applyOnLoop(new) }
    }

    private func applyOnLoop(_ new: RouterConfig) -> EventLoopFuture<Void> {
        loop.preconditionInEventLoop()
        let old = config
        config = new
        budget.limit = new.tuning.maxBufferedBytes
        var work: [EventLoopFuture<Void>] = []
        if old.peerCAs != new.peerCAs { peerAuthorities = parsePeerCAs(new.peerCAs) }
        let reload = old.tlsRevision != new.tlsRevision || old.serverCredentials != new.serverCredentials || old.peerCAs != new.peerCAs
        work += reconcileAccess(old: old.linkAccess, new: new.linkAccess, reloadCertificates: reload)
        work += reconcileListeners(new.listeners)
        let keysBefore = Set(old.connectors.map(\.routingKey))
        reconcileConnectors(new.connectors)
        reconcileLinks(new.links, edgeChanged: old.edge != new.edge)
        work += companions.map { $0.apply(new, reloadCertificates: old.tlsRevision != new.tlsRevision) }
        if Set(new.connectors.map(\.routingKey)) != keysBefore || old.site != new.site || old.edge != new.edge { keysChanged() }
        return EventLoopFuture.andAllComplete(work, on: loop)
    }

    /// Longest a shutdown waits for links to close.
    static let shutdownGrace = TimeAmount.seconds(2)

    /// Closes every listener, link and flow; completes when they have closed (links: at most
    /// `shutdownGrace`).
    public func shutdown() -> EventLoopFuture<Void> {
        loop.flatSubmit {
            self.routingTimer?.cancel()
            // Dials under way fail as cancelled (their flows are reset) and the dialler's thread ends.
            self.connectorDialer.stop()
            var closing: [EventLoopFuture<Void>] = []
            // Links are closed and waited for (a bounded time), so each connection lets go of its
            // handlers before the event loop stops, rather than being cut off with the process.
            // (A dialled link's session is closed by its dialer's stop, once.)
            for session in self.incoming.values {
                session.close(reason: "router shutting down", code: .normal)
                if let closed = session.closeFuture { closing.append(closed) }
            }
            for dialer in self.dialers.values { closing += dialer.stop() }
            self.dialers = [:]
            for server in self.accessServers.values {
                server.retry?.cancel()
                if let channel = server.channel { closing.append(channel.close()) }
            }
            for listener in self.listeners.values {
                listener.retry?.cancel()
                if let channel = listener.channel { closing.append(channel.close()) }
            }
            self.accessServers = [:]
            self.listeners = [:]
            closing += self.companions.map { $0.shutdown() }
            let done = self.loop.makePromise(of: Void.self)
            EventLoopFuture.andAllComplete(closing, on: self.loop).cascade(to: done)
            // A peer that does not answer TLS's close_notify must not hold the router up.
            self.loop.scheduleTask(in: Self.shutdownGrace) { done.succeed() }
            return done.futureResult
        }
    }

    /// Every session that is up: accepted ones, then dialled ones (`forEachUpSession`'s order).
    var upSessions: [LinkSession] {
        var sessions: [LinkSession] = []
        forEachUpSession { sessions.append($0) }
        return sessions
    }

    /// Calls `body` with each session that is up, without building a list: routing a new flow
    /// walks them, and the lists cost every flow several allocations.
    func forEachUpSession(_ body: (LinkSession) -> Void) {
        for session in incoming.values where session.isUp { body(session) }
        for dialer in dialers.values { if let session = dialer.session, session.isUp { body(session) } }
    }
}

/// A bound server socket (link access or listener), or why it could not be bound.
struct BoundServer {
    var channel: Channel?
    var error: String?
    /// After a failed bind: the next try, and how long the ones after it wait.
    var retry: Scheduled<Void>?
    var backoff = Backoff()
}

/// A listener and its flows.
final class ListenerState: @unchecked Sendable {
    var config: RouterConfig.Listener
    var channel: Channel?
    var error: String?
    let counters: FlowCounters
    /// The next bind after a failure (a port another process holds may be let go).
    var retry: Scheduled<Void>?
    var backoff = Backoff()
    /// A MultiKeyListener's choice of key, connection after connection.
    var chooser = KeyChooser()

    init(config: RouterConfig.Listener, loop: EventLoop) {
        self.config = config
        counters = FlowCounters(loop: loop)
    }
}

/// A connector, whether its target answers, and its flows.
final class ConnectorState: @unchecked Sendable {
    var config: RouterConfig.Connector {
        didSet { address = Self.address(of: config) }
    }
    /// The target as an IP address, or nil for a host name (looked up at each dial). Parsed once
    /// per configuration, not once per flow.
    private(set) var address: SocketAddress?
    var reachable = true
    var lastError: String?
    let counters: FlowCounters
    /// TLS to the backend, when the connector speaks it; or why its credentials cannot be used.
    var tls: NIOSSLContext?
    var tlsError: String?

    init(config: RouterConfig.Connector, loop: EventLoop) {
        self.config = config
        address = Self.address(of: config)
        counters = FlowCounters(loop: loop)
    }

    private static func address(of config: RouterConfig.Connector) -> SocketAddress? {
        try? SocketAddress(ipAddress: config.host, port: config.port)
    }
}
