extension Router: LinkSessionDelegate {
    /// Starts dialers for new links, stops removed ones, restarts changed ones.
    func reconcileLinks(_ links: [RouterConfig.Link]) {
        let wanted = Dictionary(links.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        for (name, dialer) in dialers where wanted[name] != dialer.config {
            dialer.stop()
            dialers[name] = nil
        }
        for (name, link) in wanted where dialers[name] == nil {
            let dialer = LinkDialer(config: link, router: self)
            dialers[name] = dialer
            dialer.start()
        }
    }

    var localRoutingKeys: [String] {
        Array(Set(connectors.values.map(\.config.routingKey)))
    }

    func sessionUp(_ session: LinkSession) {
        if case .outgoing(let name) = session.direction { dialers[name]?.connected() }
    }

    func sessionDown(_ session: LinkSession, reason: String) {
        incoming[ObjectIdentifier(session)] = nil
        if case .outgoing(let name) = session.direction { dialers[name]?.dropped(session) }
        if session.peerSite != nil {
            logger.info("link down", metadata: ["peerSite": "\(session.peerSite ?? "?")", "reason": "\(reason)"])
        }
    }

    func sessionKeysChanged(_ session: LinkSession) {}

    func counters(forStreamTo routingKey: String) -> FlowCounters {
        pickConnector(for: routingKey)?.counters ?? FlowCounters()
    }

    /// The peer opened a stream for `routingKey`: dial a local connector for it.
    func acceptStream(_ stream: FlowStream) -> Bool {
        guard let connector = pickConnector(for: stream.routingKey) else { return false }
        dialConnector(connector, for: stream)
        return true
    }
}
