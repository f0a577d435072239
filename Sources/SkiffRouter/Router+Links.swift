import NIOCore
import SkiffLink
import SkiffRouterAPI

extension Router: LinkSessionDelegate {
    /// Starts dialers for new links, stops removed ones, restarts changed ones. An edge router dials
    /// one link at a time (the cheapest first) and fails over to the next when it drops.
    func reconcileLinks(_ links: [RouterConfig.Link], edgeChanged: Bool = false) {
        let wanted = Dictionary(links.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        for (name, dialer) in dialers where wanted[name] != dialer.config || edgeChanged {
            dialer.stop()
            dialers[name] = nil
        }
        for (name, link) in wanted where dialers[name] == nil {
            dialers[name] = LinkDialer(config: link, router: self)
        }
        if isEdgeRouter {
            if !dialers.values.contains(where: \.isActive) { edgeLinkOrder.first.map { dialers[$0]?.start() } }
        } else {
            for dialer in dialers.values where !dialer.isActive { dialer.start() }
        }
    }

    /// An edge router's links in the order it tries them: cheapest first, then by name.
    var edgeLinkOrder: [String] {
        dialers.values.sorted { ($0.config.cost, $0.config.name) < ($1.config.cost, $1.config.name) }.map(\.config.name)
    }

    /// An edge router's link failed or dropped: stand it down and dial the next one after `delay`.
    func failOver(from dialer: LinkDialer, after delay: TimeAmount) {
        let order = edgeLinkOrder
        guard let index = order.firstIndex(of: dialer.config.name), order.count > 1 else { return }
        dialer.standBy()
        let next = order[(index + 1) % order.count]
        logger.notice("edge link failing over", metadata: ["from": "\(dialer.config.name)", "to": "\(next)"])
        loop.scheduleTask(in: delay) { [weak self] in
            guard let self, let dialer = self.dialers[next], !self.dialers.values.contains(where: \.isActive) else { return }
            dialer.start()
        }
    }

    package func sessionUp(_ session: LinkSession) {
        if case .outgoing(let name) = session.direction { dialers[name]?.connected() }
        synchronise(session)
        synchroniseSummaries(session)
        originateAdvert()
        summarySoon()
        if session.peerIsEdge { session.advertise() }
    }

    package func sessionDown(_ session: LinkSession, reason: String) {
        incoming[ObjectIdentifier(session)] = nil
        if case .outgoing(let name) = session.direction { dialers[name]?.dropped(session) }
        if session.peerSite != nil {
            logger.info("link down", metadata: ["peerSite": "\(session.peerSite ?? "?")", "reason": "\(reason)"])
        }
        originateAdvert()
        recomputeRoutes()
        summarySoon()
    }

    /// An edge peer's keys are served here; an interior peer's ADVERT only matters to an edge router.
    package func sessionKeysChanged(_ session: LinkSession) {
        if session.peerIsEdge { originateAdvert() }
        recomputeRoutes()
    }

    /// The peer opened a stream: for this router, dial a local connector (or hand it to an attached
    /// edge site); for another router, pass it on toward it; with no destination (from an edge
    /// router), choose as for a local listener.
    package func acceptStream(_ stream: FlowStream) -> Bool {
        let key = stream.routingKey
        switch stream.destination?.site {
        case let destination? where destination != site:
            guard !isEdgeRouter, let session = session(toward: destination, excluding: stream.session) else { return false }
            return forward(stream, along: .link(session, destination: destination))
        case nil where !isEdgeRouter:
            guard let route = route(for: key, arrivedOn: stream.session) else { return false }
            return forward(stream, along: route)
        default:
            // For this router: its local consumers only (connectors here, attached edge sites).
            guard let route = route(for: key, arrivedOn: stream.session, remote: false) else { return false }
            return forward(stream, along: route)
        }
    }
}
