import Foundation
import NIOCore
import NIOPosix
import SkiffBuildInfo
import SkiffLink
import SkiffSupport

/// Where a new flow goes.
enum FlowRoute {
    /// A connector at this router.
    case local(ConnectorState)
    /// Over a link: to `destination` (nil: the peer chooses, as an edge router's interior does).
    case link(LinkSession, destination: String?)
}

extension Router {
    // MARK: Link state

    package var isEdgeRouter: Bool { config.edge }
    package var softwareVersion: String? { SkiffVersion.description }
    var site: String { config.site }
    var interiorSessions: [LinkSession] { upSessions.filter { !$0.peerIsEdge && $0.peerSite != nil } }
    var edgeSessions: [LinkSession] { upSessions.filter { $0.peerIsEdge && $0.peerSite != nil } }

    /// Keys with a connector here whose target answers (or has not been tried).
    var servedKeys: Set<String> {
        Set(connectors.values.filter(\.reachable).map(\.config.routingKey))
    }

    /// Every routing key reachable from here: served here, by attached edge sites, by routers the
    /// routing table reaches, or (at an edge) through its interior router.
    var networkKeys: Set<String> {
        var keys = servedKeys.union(edgeSessions.flatMap(\.peerKeys))
        for destination in routingTable.routes.keys { keys.formUnion(linkState.advert(from: destination)?.keys ?? []) }
        if isEdgeRouter { keys.formUnion(upSessions.flatMap(\.peerKeys)) }
        return keys
    }

    /// What a direct peer hears in ADVERT: an edge peer every key in the network; others the keys served here.
    package func advertisedKeys(for session: LinkSession) -> [String] {
        Array(session.peerIsEdge ? networkKeys : servedKeys.union(isEdgeRouter ? [] : Set(edgeSessions.flatMap(\.peerKeys))))
    }

    /// The keys served here changed (connectors, reachability, edge peers): tell the peers and the network.
    func keysChanged() {
        for session in upSessions { session.advertise() }
        originateAdvert()
    }

    /// Issues this router's advert when its content changed (or `force`, to refresh it before it ages
    /// out) and computes routes again at once. A change goes out at once unless another went out in
    /// the last `floodDelay`; then it waits out the rest of it, so a burst of changes (links coming up
    /// at start) goes out as one or two adverts while a lone change (a link up or down) costs no delay.
    func originateAdvert(force: Bool = false) {
        loop.preconditionInEventLoop()
        guard !isEdgeRouter, !site.isEmpty else { return }
        var neighbours: [String: Int] = [:]
        for session in interiorSessions {
            guard let peer = session.peerSite, peer != site else { continue }
            neighbours[peer] = min(neighbours[peer] ?? .max, session.cost)
        }
        let keys = servedKeys.union(edgeSessions.flatMap(\.peerKeys))
        var advert = LinkStateAdvert(origin: site, sequence: advertSequence + 1,
                                     neighbours: neighbours.map { .init(site: $0.key, cost: $0.value) }, keys: Array(keys),
                                     version: softwareVersion)
        if !force, let own = linkState.advert(from: site), own.sameContent(as: advert) { return }
        advertSequence += 1
        advert.sequence = advertSequence
        linkState.accept(advert, now: Date())
        recomputeRoutes()
        let now = NIODeadline.now()
        if force || (!floodScheduled && now - lastOwnFlood >= Self.floodDelay) {
            lastOwnFlood = now
            return flood(advert, except: nil)
        }
        guard !floodScheduled else { return }
        floodScheduled = true
        loop.scheduleTask(deadline: lastOwnFlood + Self.floodDelay) { [weak self] in
            guard let self else { return }
            self.floodScheduled = false
            self.lastOwnFlood = .now()
            if let own = self.linkState.advert(from: self.site) { self.flood(own, except: nil) }
        }
    }

    /// How long a changed advert waits before it is flooded, gathering the changes that follow it.
    static let floodDelay = TimeAmount.milliseconds(100)

    private func flood(_ advert: LinkStateAdvert, except source: LinkSession?) {
        for session in interiorSessions where session !== source {
            send(advert, to: session)
        }
    }

    /// Queues `advert` for `session`'s peer. What is queued goes `linkStatePacing` after the first
    /// of it, as few frames as fit, the newest advert of each origin only: the adverts that reach
    /// this router together (a batch from one peer, the same change from several, an origin's
    /// changes in quick succession while links come up) leave as one frame per link.
    private func send(_ advert: LinkStateAdvert, to session: LinkSession) {
        guard session.queueLinkState(advert) else { return }
        loop.scheduleTask(in: Self.linkStatePacing) { [weak self, weak session] in
            guard let self, let session else { return }
            self.linkStateSent += session.flushLinkState()
        }
    }

    /// How long link-state output gathers before it goes (OSPF paces its floods likewise): the
    /// price is this much per hop on the time a change takes to cross the network.
    static let linkStatePacing = TimeAmount.milliseconds(20)

    package func sessionReceivedLinkState(_ session: LinkSession, _ adverts: [LinkStateAdvert]) {
        linkStateReceived += 1
        guard !isEdgeRouter, !session.peerIsEdge else { return }
        var changed = false
        for advert in adverts {
            if advert.origin == site {
                // Our own advert from before a restart is still about: outnumber it.
                if advert.sequence >= advertSequence {
                    advertSequence = advert.sequence
                    originateAdvert(force: true)
                }
                continue
            }
            let previous = linkState.advert(from: advert.origin)
            guard linkState.accept(advert, now: Date()) else { continue }
            flood(advert, except: session)
            // A refresh (same neighbours, same keys) keeps the advert alive but changes no route.
            changed = changed || previous.map { !$0.sameContent(as: advert) } ?? true
        }
        // Once per frame, however many adverts it carried, and only when one changed something.
        if changed { recomputeRoutes() }
    }

    /// A new interior peer learns everything known here at once (as one batch), so it need not
    /// wait for refreshes.
    func synchronise(_ session: LinkSession) {
        guard !isEdgeRouter, !session.peerIsEdge else { return }
        for advert in linkState.adverts.values where advert.origin != site {
            send(advert, to: session)
        }
    }

    func recomputeRoutes() {
        loop.preconditionInEventLoop()
        let table = RouteComputation.routes(from: site, adverts: linkState.adverts)
        if table != routingTable {
            routingTable = table
            logger.debug("routes computed", metadata: ["routes": "\(table.sorted.map { "\($0.destination) via \($0.nextHop) (\($0.cost))" })"])
        }
        let keys = networkKeys
        if keys != lastNetworkKeys {
            lastNetworkKeys = keys
            for session in edgeSessions { session.advertise() }
        }
    }

    /// Refreshes this router's advert, ages out those not refreshed, and probes unreachable connectors.
    func startRoutingTimer() {
        let every = TimeAmount.milliseconds(1000)
        secondsSinceRefresh = 0
        routingTimer = loop.scheduleRepeatedTask(initialDelay: every, delay: every) { [weak self] _ in
            guard let self else { return }
            self.secondsSinceRefresh += 1
            self.linkState.maxAge = self.config.tuning.advertMaxAge
            if self.secondsSinceRefresh >= self.config.tuning.advertRefresh {
                self.secondsSinceRefresh = 0
                self.originateAdvert(force: true)
            }
            if !self.linkState.expire(now: Date(), keeping: self.site).isEmpty { self.recomputeRoutes() }
            self.probeUnreachableConnectors()
            self.telemetryTick()
        }
    }

    // MARK: Choosing a route

    /// Where a new flow for `key` goes, by skupper-router's balanced rule (`AnycastBalancer`):
    /// local consumers — reachable connectors here and, at an interior router, edge sites attached
    /// here — at cost 0, against routers that serve the key at their path cost (at an edge router:
    /// its links to the interior). As a last resort, a local connector that did not answer before.
    /// `arrivedOn` is never chosen, so a flow is never handed back where it came from. With
    /// `remote: false` (a flow addressed to this router) only local consumers are candidates.
    func route(for key: String, arrivedOn: LinkSession? = nil, remote includeRemote: Bool = true) -> FlowRoute? {
        // Built without a dictionary or a list per kind of candidate: this runs for every new flow.
        var candidates: [AnycastBalancer.Candidate] = []
        var routes: [FlowRoute] = []
        func add(_ route: FlowRoute, _ destination: String, cost: Int, openFlows: Int, _ place: AnycastBalancer.Place) {
            candidates.append(.init(destination: destination, cost: cost, openFlows: openFlows, place: place))
            routes.append(route)
        }
        for connector in connectors.values where connector.config.routingKey == key && connector.reachable {
            add(.local(connector), "connector/" + connector.config.name, cost: 0, openFlows: connector.counters.open, .own)
        }
        if isEdgeRouter, includeRemote {
            var index = 0
            forEachUpSession { session in
                defer { index += 1 }
                guard session !== arrivedOn, session.peerKeys.contains(key) else { return }
                add(.link(session, destination: nil), "uplink/\(index)", cost: session.cost, openFlows: session.openFlows, .remote)
            }
        } else if !isEdgeRouter {
            forEachUpSession { session in
                guard session.peerIsEdge, let peer = session.peerSite, session !== arrivedOn, session.peerKeys.contains(key) else { return }
                add(.link(session, destination: peer), "edge/" + peer, cost: 0, openFlows: flowsTo[peer]?.open ?? 0, .attached)
            }
            for route in routingTable.routes.values where includeRemote && linkState.advert(from: route.destination)?.keys.contains(key) == true {
                guard let session = session(toward: route.destination, excluding: arrivedOn) else { continue }
                add(.link(session, destination: route.destination), "router/" + route.destination, cost: route.cost,
                    openFlows: flowsTo[route.destination]?.open ?? 0, .remote)
            }
        }
        turn &+= 1
        if let chosen = AnycastBalancer.choice(among: candidates, turn: turn) { return routes[chosen] }
        return pickConnector(for: key).map { .local($0) }
    }

    /// The cheapest link to the next hop toward `destination`, unless that hop is the site of
    /// `arrivedOn` (the link a flow came in by): a flow is never handed back to the site it came
    /// from, over that link or a parallel one.
    func session(toward destination: String, excluding arrivedOn: LinkSession? = nil) -> LinkSession? {
        guard let hop = routingTable[destination]?.nextHop, hop != arrivedOn?.peerSite else { return nil }
        var cheapest: LinkSession?
        forEachUpSession { session in
            guard !session.peerIsEdge, session.peerSite == hop, cheapest.map({ session.cost < $0.cost }) ?? true else { return }
            cheapest = session
        }
        return cheapest
    }

    /// The connector for `key` here with the fewest open flows (rotating among equals), reachable
    /// or not: the last resort when nothing that answers serves the key.
    func pickConnector(for key: String) -> ConnectorState? {
        let matching = connectors.values.filter { $0.config.routingKey == key }
        let candidates = matching.map { AnycastBalancer.Candidate(destination: $0.config.name, cost: 0, openFlows: $0.counters.open) }
        guard !candidates.isEmpty else { return nil }
        turn &+= 1
        let choice = AnycastBalancer.choose(candidates, turn: turn)
        return matching.first { $0.config.name == choice?.destination }
    }

    /// Counts a flow sent toward `destination`, for balancing.
    func counters(toward destination: String) -> FlowCounters {
        if let counters = flowsTo[destination] { return counters }
        let counters = FlowCounters(loop: loop)
        flowsTo[destination] = counters
        return counters
    }

    // MARK: Forwarding

    /// Sends `stream` (opened by a peer) on toward `route`: a local connector is dialled; a link gets a
    /// new stream joined to this one. False when it cannot go anywhere (the caller resets it).
    func forward(_ stream: FlowStream, along route: FlowRoute) -> Bool {
        switch route {
        case .local(let connector):
            stream.count(in: connector.counters)
            dialConnector(connector, for: stream)
            return true
        case .link(let session, let destination):
            // A flow that already crossed links goes on with one hop less; one from an edge starts afresh.
            var target = destination.map { FlowDestination(site: $0) }
            if let arrived = stream.destination {
                guard let next = arrived.nextHop else { return false }
                target?.hopsLeft = next.hopsLeft
            }
            guard session !== stream.session,
                  let next = session.openStream(routingKey: stream.routingKey, destination: target, counters: transitCounters)
            else { return false }
            if let destination { next.routeCounters = counters(toward: destination) }
            // Counted once, on the stream it leaves by.
            FlowStream.join(stream, next)
            session.flush()
            return true
        }
    }

    // MARK: Connector reachability

    /// A connector's target refused or timed out: skip it for new flows until it answers again.
    func markUnreachable(_ connector: ConnectorState, error: String) {
        connector.lastError = error
        guard connector.reachable else { return }
        connector.reachable = false
        logger.warning("connector unreachable; skipped until it answers", metadata: ["connector": "\(connector.config.name)", "error": "\(error)"])
        keysChanged()
    }

    func markReachable(_ connector: ConnectorState) {
        connector.lastError = nil
        guard !connector.reachable else { return }
        connector.reachable = true
        logger.info("connector reachable again", metadata: ["connector": "\(connector.config.name)"])
        keysChanged()
    }

    /// Tries each unreachable connector's target again.
    private func probeUnreachableConnectors() {
        for connector in connectors.values where !connector.reachable { probe(connector) }
    }

    /// Tries the connector's target with a bare TCP connect (closed at once; for a connector that
    /// speaks TLS, once the handshake is through) and marks it by the answer. A new or changed
    /// connector is tried at once, so status says whether its backend answers (or its host
    /// resolves, or its certificate verifies) before any flow has to find out, and its key is not
    /// advertised to other sites while nothing answers.
    func probe(_ connector: ConnectorState) {
        let target = connector.config
        if let error = connector.tlsError { return markUnreachable(connector, error: error) }
        ClientBootstrap(group: loop).connectTimeout(.seconds(1))
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.addBackendTLS(channel, for: connector) { _ in channel.close(promise: nil) }
                }
            }
            .connect(host: target.host, port: target.port).whenComplete { result in
                // The answer is for the target as it was: the connector may have changed or gone since.
                guard self.connectors[target.name] === connector, connector.config == target else {
                    if case .success(let channel) = result { channel.close(promise: nil) }
                    return
                }
                switch result {
                case .success(let channel):
                    guard connector.tls != nil else {
                        channel.close(promise: nil)
                        return self.markReachable(connector)
                    }
                    // A backend that takes the connection and never answers the handshake is not serving TLS.
                    self.loop.scheduleTask(in: Self.probeHandshakeTimeout) { channel.close(promise: nil) }
                case .failure(let error):
                    if case .unreachable(let message) = ConnectFailure(error, target: HostPort.format(target.host, target.port)) {
                        self.markUnreachable(connector, error: message)
                    }
                }
            }
    }

    /// Longest a probe waits for a backend's TLS handshake.
    static let probeHandshakeTimeout = TimeAmount.seconds(5)
}
