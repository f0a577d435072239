import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// A site's data plane: accepts and dials links, binds listeners, dials connectors, routes flows.
///
/// Every piece of state lives on one event loop (`loop`); public methods hop onto it. One loop per
/// process keeps a flow's bytes on one core with no locks, which is what a 2-core site wants.
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
    /// The router-wide cap on bytes held for delivery.
    private(set) var budget = BufferBudget(high: RouterTuning.defaults.maxBufferedBytes)

    /// A router for the site whose state directory is `stateDirectory` (certificates under `pki/`).
    public init(stateDirectory: String, loop: EventLoop, logger: Logger = Logger(label: "skiff.router")) {
        self.loop = loop
        self.pkiRoot = stateDirectory + "/pki"
        self.logger = logger
        self.config = RouterConfig(site: "")
        watch(budget)
    }

    /// Past the cap, stop reading from every link; below half of it, read again.
    private func watch(_ budget: BufferBudget) {
        budget.onChange = { [weak self] pause in
            guard let self else { return }
            self.logger.notice(pause ? "buffer cap reached; pausing reads from links" : "buffers drained; reading from links again",
                               metadata: ["held": "\(budget.held)", "cap": "\(budget.high)"])
            for session in self.allSessions { session.setReading(!pause) }
        }
    }

    /// Makes the router match `new`, changing only what differs: unchanged listeners, connectors
    /// and links, and the flows on them, are not touched.
    public func apply(_ new: RouterConfig) -> EventLoopFuture<Void> {
        loop.flatSubmit { self.applyOnLoop(new) }
    }

    private func applyOnLoop(_ new: RouterConfig) -> EventLoopFuture<Void> {
        let old = config
        config = new
        if new.tuning.maxBufferedBytes != budget.high {
            budget = BufferBudget(high: new.tuning.maxBufferedBytes)
            watch(budget)
        }
        var work: [EventLoopFuture<Void>] = []
        work += reconcileAccess(old: old.linkAccess, new: new.linkAccess, reloadCertificates: old.tlsRevision != new.tlsRevision)
        work += reconcileListeners(new.listeners)
        let keysBefore = Set(old.connectors.map(\.routingKey))
        reconcileConnectors(new.connectors)
        reconcileLinks(new.links)
        if Set(new.connectors.map(\.routingKey)) != keysBefore {
            for session in allSessions { session.advertise() }
        }
        return EventLoopFuture.andAllComplete(work, on: loop)
    }

    /// Closes every listener, link and flow.
    public func shutdown() -> EventLoopFuture<Void> {
        loop.flatSubmit {
            var closing: [EventLoopFuture<Void>] = []
            for dialer in self.dialers.values { dialer.stop() }
            self.dialers = [:]
            for session in self.allSessions { session.close(reason: "router shutting down", code: .normal) }
            for server in self.accessServers.values { if let channel = server.channel { closing.append(channel.close()) } }
            for listener in self.listeners.values { if let channel = listener.channel { closing.append(channel.close()) } }
            self.accessServers = [:]
            self.listeners = [:]
            return EventLoopFuture.andAllComplete(closing, on: self.loop)
        }
    }

    var allSessions: [LinkSession] {
        Array(incoming.values) + dialers.values.compactMap(\.session)
    }

    var upSessions: [LinkSession] { allSessions.filter(\.isUp) }
}

/// A bound server socket (link access or listener), or why it could not be bound.
struct BoundServer {
    var channel: Channel?
    var error: String?
}

/// A listener and its flows.
final class ListenerState: @unchecked Sendable {
    var config: RouterConfig.Listener
    var channel: Channel?
    var error: String?
    let counters = FlowCounters()

    init(config: RouterConfig.Listener) {
        self.config = config
    }
}

/// A connector, whether its target answers, and its flows.
final class ConnectorState: @unchecked Sendable {
    var config: RouterConfig.Connector
    var reachable = true
    var lastError: String?
    let counters = FlowCounters()

    init(config: RouterConfig.Connector) {
        self.config = config
    }
}
