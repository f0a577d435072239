import Foundation
import NIOCore
import SkiffLink
import SkiffRouterAPI
import SkiffTelemetry

/// Network-wide figures (docs/protocol.md, "Site summaries"): every `tuning.summaryInterval` a
/// router samples its counters and, when its summary changed (or every `TelemetryState.refresh`),
/// issues a new one. Interior routers flood summaries like link-state adverts — to interior and
/// edge peers that read them; an edge router sends its own to its interior router and floods
/// nothing. Every router thus holds every site's summary, assembles the network view from them and
/// keeps the throughput history.
extension Router {
    var summaryInterval: TimeAmount { .milliseconds(Int64(config.tuning.summaryInterval * 1000)) }

    /// Called every second by the routing timer: samples (and issues a summary if it changed) once
    /// an interval has passed since the last sample.
    func telemetryTick() {
        let now = NIODeadline.now()
        guard now - (telemetry.previousAt ?? .distantPast) >= summaryInterval - .milliseconds(100) else { return }
        issueSummary(now: now, recordHistory: true)
        telemetry.expire(now: Date(), keeping: site)
    }

    /// Something the network should see at once changed (a link up or down): issue a summary soon,
    /// without waiting for the interval — but at most one every `soonGap`, so the links of a
    /// starting network coming up one by one cost each site a few summaries, not one per link.
    func summarySoon() {
        guard !telemetryScheduled else { return }
        telemetryScheduled = true
        let wait = max(.milliseconds(200), telemetry.lastIssuedAt + Self.soonGap - .now())
        loop.scheduleTask(in: wait) { [weak self] in
            guard let self else { return }
            self.telemetryScheduled = false
            self.issueSummary(now: .now(), recordHistory: false)
        }
    }

    static let soonGap = TimeAmount.seconds(2)

    /// Builds this site's summary from its counters; issues and floods it when it differs from the
    /// last one issued (round-trip times aside, which move with every ping) or the refresh is due.
    func issueSummary(now: NIODeadline, recordHistory: Bool) {
        loop.preconditionInEventLoop()
        guard !site.isEmpty else { return }
        let status = statusOnLoop()
        let elapsed = telemetry.previousAt.map { Double((now - $0).nanoseconds) / 1e9 } ?? 0
        var counters: [String: (bytesIn: Int, bytesOut: Int)] = [:]
        func rates(_ id: String, _ bytesIn: Int, _ bytesOut: Int) -> (Double, Double) {
            counters[id] = (bytesIn, bytesOut)
            guard elapsed > 0, let before = telemetry.previous[id] else { return (0, 0) }
            return (Double(max(0, bytesIn - before.bytesIn)) / elapsed, Double(max(0, bytesOut - before.bytesOut)) / elapsed)
        }
        var incomingSeen: [String: Int] = [:]
        let links = status.links.map { link in
            // A dialled link by its name; an accepted one by its peer (and which of that peer's, rarely more than one).
            let id = link.name.map { "link/out/" + $0 } ?? {
                let peer = link.peerSite ?? "?"
                incomingSeen[peer, default: 0] += 1
                return "link/in/\(peer)/\(incomingSeen[peer]!)"
            }()
            let (rateIn, rateOut) = rates(id, link.bytesIn, link.bytesOut)
            return SiteSummary.Link(name: link.name, peer: link.peerSite, direction: link.direction, state: link.state.rawValue,
                                    cost: link.name.flatMap { dialers[$0]?.config.cost } ?? cost(ofIncoming: link.peerSite),
                                    rttMilliseconds: link.rttMilliseconds.map { ($0 * 100).rounded() / 100 },
                                    bytesIn: link.bytesIn, bytesOut: link.bytesOut, rateIn: rateIn, rateOut: rateOut, openFlows: link.openFlows)
        }
        let listeners = status.listeners.map { listener in
            let (rateIn, rateOut) = rates("listener/" + listener.name, listener.bytesIn, listener.bytesOut)
            return SiteSummary.Endpoint(name: listener.name, routingKey: listener.routingKey, address: listener.address, ready: listener.bound,
                                        openFlows: listener.openFlows, totalFlows: listener.totalFlows, bytesIn: listener.bytesIn,
                                        bytesOut: listener.bytesOut, rateIn: rateIn, rateOut: rateOut)
        }
        let connectors = status.connectors.map { connector in
            let (rateIn, rateOut) = rates("connector/" + connector.name, connector.bytesIn, connector.bytesOut)
            return SiteSummary.Endpoint(name: connector.name, routingKey: connector.routingKey, address: connector.target,
                                        ready: connector.reachable, openFlows: connector.openFlows, totalFlows: connector.totalFlows,
                                        bytesIn: connector.bytesIn, bytesOut: connector.bytesOut, rateIn: rateIn, rateOut: rateOut)
        }
        if recordHistory || telemetry.previousAt == nil {
            telemetry.previous = counters
            telemetry.previousAt = now
        }
        var summary = SiteSummary(origin: site, sequence: telemetry.sequence + 1, edge: isEdgeRouter, version: softwareVersion,
                                  interval: config.tuning.summaryInterval, links: links, listeners: listeners, connectors: connectors,
                                  gitops: telemetry.gitops)
        let refreshDue = now - telemetry.lastIssuedAt >= .seconds(Int64(TelemetryState.refresh))
        if let last = telemetry.lastIssued, !refreshDue, Self.withoutRoundTrips(last).sameContent(as: Self.withoutRoundTrips(summary)) {
            if recordHistory { recordThroughput() }
            return
        }
        telemetry.sequence += 1
        summary.sequence = telemetry.sequence
        telemetry.lastIssued = summary
        telemetry.lastIssuedAt = now
        _ = telemetry.accept(summary, now: Date(), own: true)
        if recordHistory { recordThroughput() }
        for session in upSessions where isEdgeRouter || session.peerSite != nil { send(summary, to: session) }
    }

    private static func withoutRoundTrips(_ summary: SiteSummary) -> SiteSummary {
        var summary = summary
        for index in summary.links.indices { summary.links[index].rttMilliseconds = nil }
        return summary
    }

    private func cost(ofIncoming peer: String?) -> Int {
        incoming.values.first { $0.peerSite == peer }?.cost ?? 1
    }

    private func recordThroughput() {
        if telemetry.history.interval != config.tuning.summaryInterval {
            telemetry.history = ThroughputHistory(interval: config.tuning.summaryInterval)
        }
        telemetry.history.record(networkViewOnLoop())
    }

    /// Queues `summary` for `session`'s peer (if it reads summaries); what is queued goes after
    /// `linkStatePacing`, as link-state adverts do.
    private func send(_ summary: SiteSummary, to session: LinkSession) {
        guard session.queueSummary(summary) else { return }
        loop.scheduleTask(in: Self.linkStatePacing) { [weak self, weak session] in
            guard let self, let session else { return }
            self.telemetry.bytesSent += session.flushSummaries()
        }
    }

    package func sessionReceivedSummaries(_ session: LinkSession, _ summaries: [SiteSummary], bytes: Int) {
        telemetry.bytesReceived += bytes
        for summary in summaries {
            if summary.origin == site {
                // Our own summary from before a restart is still about: outnumber it.
                if summary.sequence >= telemetry.sequence {
                    telemetry.sequence = summary.sequence
                    telemetry.lastIssued = nil
                    summarySoon()
                }
                continue
            }
            guard telemetry.accept(summary, now: Date()) else {
                if telemetry.refused == 1 || telemetry.refused % 1_000 == 0 {
                    logger.warning("site summary refused: the summaries held would list more than \(TelemetryState.maxWeight) links, listeners and connectors",
                                   metadata: ["origin": "\(summary.origin)", "peerSite": "\(session.peerSite ?? "?")", "refused": "\(telemetry.refused)"])
                }
                continue
            }
            guard !isEdgeRouter else { continue }
            for peer in upSessions where peer !== session && peer.peerSite != nil && peer.peerSite != summary.origin {
                send(summary, to: peer)
            }
        }
    }

    /// A new peer learns every summary known here at once (an edge router's uplink only its own).
    func synchroniseSummaries(_ session: LinkSession) {
        if isEdgeRouter {
            if let own = telemetry.summaries.message(from: site) { send(own, to: session) }
            return
        }
        for summary in telemetry.summaries.messages.values where summary.origin != session.peerSite {
            send(summary, to: session)
        }
    }

    // MARK: What the management API answers

    /// The network as this router sees it (`GET /v1/network`).
    public func networkView() -> EventLoopFuture<NetworkView> {
        loop.submit { self.networkViewOnLoop() }
    }

    /// Throughput history (`GET /v1/throughput`).
    public func throughput(seconds: TimeInterval, services: [String], top: Int) -> EventLoopFuture<ThroughputReport> {
        loop.submit { self.telemetry.history.report(seconds: seconds, services: services, top: top) }
    }

    /// Takes the reconciler's report (`PUT /v1/gitops`); it goes out with the next summary.
    public func setGitOps(_ report: GitOpsReport) -> EventLoopFuture<Void> {
        loop.submit {
            self.telemetry.gitops = report.bounded()
            self.summarySoon()
        }
    }

    func networkViewOnLoop() -> NetworkView {
        var summaries: [String: (summary: SiteSummary, receivedAt: Date)] = [:]
        for (origin, summary) in telemetry.summaries.messages {
            summaries[origin] = (summary, telemetry.summaries.receivedAt(origin) ?? Date())
        }
        let topology = linkState.adverts.mapValues { advert in
            Dictionary(advert.neighbours.map { ($0.site, $0.cost) }, uniquingKeysWith: min)
        }
        return NetworkAssembly.view(.init(site: site, now: Date(), summaries: summaries, topology: topology,
                                          currentFor: TelemetryState.currentFor))
    }
}
