import Foundation
import SkiffAccess
import SkiffModel
import SkiffPKI
import SkiffRouterAPI

/// `skiff status`: what was applied, each resource's state (Ready / Pending / Error), the links,
/// and the network as this router sees it.
public struct SiteStatusReport: Sendable {
    public struct Entry: Sendable, Hashable, Encodable {
        public var kind: String
        public var name: String
        /// `Ready`, `Pending` or `Error`.
        public var status: String
        public var message: String
    }

    public var site: String
    public var applied: AppliedRecord?
    public var router: RouterStatus?
    public var routerError: String?
    public var entries: [Entry]

    /// Reads the record, the certificates and the router's own status.
    /// Sockets the router could not bind (listeners, link access, the grant server), one line
    /// each naming the resource and the address: `apply` fails on them.
    public var bindFailures: [String] {
        guard let router else { return [] }
        let listeners = router.listeners.filter { !$0.bound }.compactMap { listener in listener.error.map { "Listener/\(listener.name): \($0)" } }
        let access = router.linkAccess.filter { !$0.bound }.compactMap { access in access.error.map { "link access (\(access.role)): \($0)" } }
        let grants = router.grantServer?.error.map { ["grant server: \($0)"] } ?? []
        return listeners + access + grants
    }

    /// Why there is nothing to report.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(site: String, stateDirectory: StateDirectory, now: Date = Date()) throws -> SiteStatusReport {
        guard stateDirectory.exists else {
            throw Failure(description: "site \(site) has no state directory at \(stateDirectory.path): it was never applied "
                + "(`skiff apply --site \(site)`), or --state-dir points elsewhere")
        }
        let applied = try AppliedRecord.load(from: stateDirectory)
        let supervisor = RouterSupervisor(stateDirectory: stateDirectory)
        var router: RouterStatus?
        var routerError: String?
        do { router = try supervisor.client.status() } catch { routerError = "\(error)" }
        let pki = SitePKI(stateDirectory: stateDirectory.path)
        var entries = certificateEntries(ca: pki.inspectCA(now: now), server: pki.inspectServer(now: now))
        let tokens = (try? TokenLedger.load(stateDirectory: stateDirectory.path)) ?? TokenLedger()
        for resource in applied?.resources ?? [] {
            entries.append(entry(for: resource, router: router, routerError: routerError, tokens: tokens))
        }
        return SiteStatusReport(site: site, applied: applied, router: router, routerError: routerError, entries: entries)
    }

    static func certificateEntries(ca: CredentialReport, server: CredentialReport) -> [Entry] {
        [(CertificateRole.siteCA, ca), (.routerServer, server)].compactMap { role, report in
            guard !report.isMissing else { return nil }
            let until = report.notAfter.map { "valid until " + ISO8601DateFormatter().string(from: $0) } ?? ""
            return Entry(kind: "Certificate", name: role.rawValue, status: report.isHealthy ? "Ready" : "Error",
                         message: report.isHealthy ? until : report.problems.map(\.description).joined(separator: "; "))
        }
    }

    /// Maps a recorded resource to what the router says about it.
    static func entry(for resource: AppliedRecord.Entry, router: RouterStatus?, routerError: String?, tokens: TokenLedger) -> Entry {
        func make(_ status: String, _ message: String) -> Entry {
            Entry(kind: resource.kind.rawValue, name: resource.name, status: status, message: message)
        }
        guard let router else {
            // A token's redemption does not depend on the router.
            return resource.kind == .accessToken ? tokenEntry(resource.name, record: tokens.tokens[resource.name])
                : make("Error", "router not running")
        }
        switch resource.kind {
        case .listener:
            guard let listener = router.listeners.first(where: { $0.name == resource.name }) else { return make("Pending", "not configured in the router") }
            if let error = listener.error { return make("Error", error) }
            if !listener.hasMatchingConnector { return make("Pending", "No matching connectors (listening on \(listener.address))") }
            return make("Ready", "listening on \(listener.address), \(listener.openFlows) open flows")
        case .connector:
            guard let connector = router.connectors.first(where: { $0.name == resource.name }) else { return make("Pending", "not configured in the router") }
            return connector.reachable
                ? make("Ready", "\(connector.target), \(connector.openFlows) open flows")
                : make("Error", "\(connector.target) unreachable: \(connector.lastError ?? "refused")")
        case .link:
            guard let link = router.links.first(where: { $0.name == resource.name }) else { return make("Pending", "not configured in the router") }
            return link.state == "up"
                ? make("Ready", "linked to site \(link.peerSite ?? "?")")
                : make("Pending", "\(link.state): \(link.lastError ?? "connecting")")
        case .routerAccess:
            let ports = router.linkAccess
            if let failed = ports.first(where: { !$0.bound }) { return make("Error", failed.error ?? "not bound") }
            return make("Ready", "accepting links on " + ports.map(\.address).joined(separator: ", "))
        case .site:
            return make("Ready", "router running")
        case .accessGrant:
            guard let server = router.grantServer else { return make("Pending", "not configured in the router") }
            if let error = server.error { return make("Error", "grant server \(server.address): \(error)") }
            guard let grant = server.grants.first(where: { $0.name == resource.name }) else { return make("Pending", "not armed yet") }
            let expiry = ISO8601DateFormatter().string(from: grant.expiresAt)
            return make("Ready", "\(grant.state.rawValue) at \(grant.url), \(grant.redemptions)/\(grant.redemptionsAllowed) redemptions, "
                + (grant.state == .expired ? "expired at " : "expires at ") + expiry)
        case .accessToken:
            return tokenEntry(resource.name, record: tokens.tokens[resource.name])
        }
    }

    /// An AccessToken as its redemption left it.
    static func tokenEntry(_ name: String, record: TokenLedger.Record?) -> Entry {
        let at = record.map { ISO8601DateFormatter().string(from: $0.at) } ?? ""
        switch record?.outcome {
        case nil: return Entry(kind: "AccessToken", name: name, status: "Pending", message: "not redeemed yet")
        case .redeemed?:
            return Entry(kind: "AccessToken", name: name, status: "Ready",
                         message: "redeemed at \(at) from site \(record?.grantingSite ?? "?"); link \(name)")
        case .refused?:
            return Entry(kind: "AccessToken", name: name, status: "Error", message: (record?.message ?? "refused") + "; commit a fresh token")
        case .failed?:
            return Entry(kind: "AccessToken", name: name, status: "Error", message: (record?.message ?? "failed") + " (tried at \(at); retried every apply)")
        }
    }

    public func render(_ format: OutputFormat) -> String {
        format == .json ? json() : text()
    }

    private func text() -> String {
        var lines = ["Site \(site)"]
        if let applied {
            let commit = applied.commit.map { "commit \($0.prefix(12))" } ?? "a folder"
            lines.append("Applied: \(commit) at \(ISO8601DateFormatter().string(from: applied.appliedAt))")
        } else {
            lines.append("Applied: nothing yet")
        }
        lines.append("Router: " + (router != nil ? "running" : "not running (\(routerError ?? "?"))"))
        lines.append("")
        lines += entries.map { "  \($0.kind)/\($0.name): \($0.status) — \($0.message)" }
        if let router, !router.links.isEmpty {
            lines += ["", "Links:"]
            lines += router.links.map { link in
                let rtt = link.rttMilliseconds.map { String(format: ", rtt %.1f ms", $0) } ?? ""
                return "  \(link.name ?? "(incoming)") \(link.direction) ↔ \(link.peerSite ?? "?"): \(link.state)\(rtt), \(link.openFlows) open flows"
            }
        }
        if let router { lines += networkLines(router) }
        return lines.joined(separator: "\n")
    }

    /// The network as this router sees it: sites and the links between them, routes, and where each
    /// routing key has listeners (here) and connectors (anywhere) — `skupper network status`.
    func networkLines(_ router: RouterStatus) -> [String] {
        var lines: [String] = []
        if let routing = router.routing, !routing.sites.isEmpty {
            lines += ["", "Network (sites and their links, from link state):"]
            lines += routing.sites.keys.sorted().map { site in
                let marker = site == self.site ? " (this site)" : ""
                return "  \(site)\(marker) ↔ " + (routing.sites[site]!.isEmpty ? "(no links)" : routing.sites[site]!.joined(separator: ", "))
            }
            lines += routing.routes.map { "  route to \($0.destination): via \($0.nextHop), cost \($0.cost)" }
        } else if router.routing?.edge == true {
            lines += ["", "Network: an edge site; everything is reached through its interior router."]
        }
        var keys: [String: [String]] = [:]
        for listener in router.listeners { keys[listener.routingKey, default: []].append("listener \(listener.name)@\(site)") }
        for (key, sites) in router.routing?.services ?? [:] {
            keys[key, default: []] += sites.map { "connector@\($0)" }
        }
        guard !keys.isEmpty else { return lines }
        lines += ["", "Services (routing key: where listeners and connectors are):"]
        lines += keys.keys.sorted().map { "  \($0): " + keys[$0]!.joined(separator: ", ") }
        return lines
    }

    private struct Body: Encodable {
        var formatVersion = ReportJSON.formatVersion
        var site: String
        var appliedCommit: String?
        var appliedAt: Date?
        var routerRunning: Bool
        var resources: [Entry]
        var router: RouterStatus?

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version", site, appliedCommit = "applied_commit", appliedAt = "applied_at",
                 routerRunning = "router_running", resources, router
        }
    }

    private func json() -> String {
        ReportJSON.encode(Body(site: site, appliedCommit: applied?.commit, appliedAt: applied?.appliedAt, routerRunning: router != nil,
                               resources: entries, router: router))
    }
}
