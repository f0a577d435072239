import NIOCore
import SkiffLink
import SkiffRouterAPI
import SkiffSupport

extension Router {
    /// The router's view of itself: links, listeners, connectors, with counters.
    public func status() -> EventLoopFuture<RouterStatus> {
        loop.submit {
            var status = self.statusOnLoop()
            status.routing = self.routingStatus()
            status.buffers = RouterStatus.Buffers(reserved: self.budget.reserved, peak: self.budget.peak, limit: self.budget.limit,
                                                  waitingStreams: self.budget.waitingCount)
            status.version = self.softwareVersion
            return status
        }.flatMap { status in
            self.companions.reduce(self.loop.makeSucceededFuture(status)) { status, companion in
                status.flatMap { companion.addStatus(to: $0) }
            }
        }
    }

    public func currentConfig() -> EventLoopFuture<RouterConfig> {
        loop.submit { self.config }
    }

    private func routingStatus() -> RouterStatus.Routing {
        var services: [String: Set<String>] = [:]
        for key in servedKeys { services[key, default: []].insert(site) }
        for session in edgeSessions { for key in session.peerKeys { services[key, default: []].insert(session.peerSite ?? "?") } }
        for (origin, advert) in linkState.adverts where origin != site && routingTable[origin] != nil {
            for key in advert.keys { services[key, default: []].insert(origin) }
        }
        if isEdgeRouter {
            for session in upSessions { for key in session.peerKeys { services[key, default: []].insert(session.peerSite ?? "?") } }
        }
        let sites = linkState.adverts.mapValues { $0.neighbours.map(\.site) }
        var versions = linkState.adverts.compactMapValues(\.version)
        for session in upSessions { if let peer = session.peerSite, let version = session.peerVersion { versions[peer] = version } }
        versions[site] = softwareVersion
        var routing = RouterStatus.Routing(edge: isEdgeRouter, routes: routingTable.sorted, services: services.mapValues { $0.sorted() },
                                           sites: sites, linkStateSent: linkStateSent, linkStateReceived: linkStateReceived,
                                           transitFlows: transitCounters.open)
        routing.versions = versions
        routing.summaries = telemetry.summaries.messages.count
        routing.summaryBytesSent = telemetry.bytesSent
        routing.summaryBytesReceived = telemetry.bytesReceived
        return routing
    }

    func statusOnLoop() -> RouterStatus {
        loop.preconditionInEventLoop()
        let reachableKeys = networkKeys
        var links: [RouterStatus.Link] = dialers.values.sorted { $0.config.name < $1.config.name }.map { dialer in
            let session = dialer.session
            return RouterStatus.Link(
                name: dialer.config.name, direction: "outgoing", peerSite: session?.peerSite,
                state: session?.isUp == true ? .up : dialer.state, rttMilliseconds: session?.rtt.map { Double($0.nanoseconds) / 1e6 },
                bytesIn: session?.bytesIn ?? 0, bytesOut: session?.bytesOut ?? 0, openFlows: session?.openFlows ?? 0,
                peerRoutingKeys: (session?.peerKeys ?? []).sorted(), lastError: dialer.lastError, peerVersion: session?.peerVersion)
        }
        links += incoming.values.filter(\.isUp).map { session in
            RouterStatus.Link(
                name: nil, direction: "incoming", peerSite: session.peerSite, state: .up,
                rttMilliseconds: session.rtt.map { Double($0.nanoseconds) / 1e6 }, bytesIn: session.bytesIn, bytesOut: session.bytesOut,
                openFlows: session.openFlows, peerRoutingKeys: session.peerKeys.sorted(), lastError: nil, peerVersion: session.peerVersion)
        }
        return RouterStatus(
            site: config.site,
            linkAccess: config.linkAccess.map { access in
                let server = accessServers[access]
                return RouterStatus.Access(role: access.role, address: HostPort.format(access.host, access.port), bound: server?.channel != nil,
                                           error: server?.error)
            },
            links: links,
            listeners: listeners.values.sorted { $0.config.name < $1.config.name }.map { state in
                RouterStatus.Listener(
                    name: state.config.name, routingKey: state.config.routingKey, address: HostPort.format(state.config.host, state.config.port),
                    bound: state.channel != nil, error: state.error, openFlows: state.counters.open, totalFlows: state.counters.total,
                    bytesIn: state.counters.bytesIn, bytesOut: state.counters.bytesOut,
                    hasMatchingConnector: (state.config.strategy?.routingKeys ?? [state.config.routingKey]).contains(where: reachableKeys.contains),
                    routingKeysReachable: state.config.strategy.map { $0.routingKeys.filter(reachableKeys.contains) })
            },
            connectors: connectors.values.sorted { $0.config.name < $1.config.name }.map { state in
                RouterStatus.Connector(
                    name: state.config.name, routingKey: state.config.routingKey, target: HostPort.format(state.config.host, state.config.port),
                    reachable: state.reachable, lastError: state.lastError, openFlows: state.counters.open,
                    totalFlows: state.counters.total, bytesIn: state.counters.bytesIn, bytesOut: state.counters.bytesOut)
            })
    }
}
