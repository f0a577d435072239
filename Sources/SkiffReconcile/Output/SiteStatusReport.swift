import Foundation
import SkiffAccess
import SkiffModel
import SkiffPKI
import SkiffPlan
import SkiffRouterAPI
import SkiffSupport

/// `skiff status`: what was applied, each resource's state (Ready / Pending / Error), the links,
/// and the network as this router sees it.
public struct SiteStatusReport: Sendable {
    /// Where a resource stands. `Pending` heals by itself (a first dial, a grant not armed yet);
    /// `NotReady` waits for a person (a grant used up or expired); `Error` is something failing now.
    public enum Status: String, Sendable, Hashable, Encodable {
        case ready = "Ready", pending = "Pending", notReady = "NotReady", error = "Error"

        var label: String { self == .notReady ? "Not Ready" : rawValue }
    }

    public struct Entry: Sendable, Hashable, Encodable {
        public var kind: String
        public var name: String
        public var status: Status
        public var message: String
    }

    public var site: String
    public var applied: AppliedRecord?
    public var router: RouterStatus?
    public var routerError: String?
    public var entries: [Entry]
    /// The last record of the site's daemon (nil when none ran), and whether its process lives.
    public var daemon: DaemonState?
    public var daemonRunning = false

    /// Reads the record, the certificates and the router's own status.
    /// Sockets the router could not bind (listeners, link access, the grant server), one line
    /// each naming the resource and the address: `apply` fails on them.
    public var bindFailures: [String] {
        (router?.unboundSockets ?? []).map { socket in
            switch socket.owner {
            case .listener(let name): "Listener/\(name): \(socket.error)"
            case .linkAccess(let role): "link access (\(role)): \(socket.error)"
            case .grantServer: "grant server: \(socket.error)"
            }
        }
    }

    /// Why there is nothing to report.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(site: String, stateDirectory: StateDirectory, now: Date = Date()) throws -> SiteStatusReport {
        guard stateDirectory.exists else {
            throw Failure(description: stateDirectory.neverApplied(site: site))
        }
        let applied = try AppliedRecord.load(from: stateDirectory)
        let supervisor = RouterSupervisor(stateDirectory: stateDirectory)
        var router: RouterStatus?
        var routerError: String?
        do { router = try supervisor.client.status() } catch { routerError = "\(error)" }
        let pki = SitePKI(stateDirectory: stateDirectory.path)
        var entries = certificateEntries(ca: pki.inspectCA(now: now), server: pki.inspectServer(now: now))
        let tokens = (try? TokenLedger.load(stateDirectory: stateDirectory.path)) ?? TokenLedger()
        let credentials = pki.inspectCertificates(now: now)
        for resource in applied?.resources ?? [] {
            if resource.kind == .certificate {
                entries.append(credentialsEntry(resource.name, credentials[resource.name], now: now))
                continue
            }
            var entry = entry(for: resource, router: router, routerError: routerError, tokens: tokens)
            // A link whose certificate this site's own CA issued is trusted through git, not a token.
            if resource.kind == .link, entry.status == .ready, pki.inspectTrustedLink(resource.name, now: now).credential.isHealthy {
                entry.message += " (trusted through git)"
            }
            entries.append(entry)
        }
        var report = SiteStatusReport(site: site, applied: applied, router: router, routerError: routerError, entries: entries)
        report.daemon = DaemonState.load(from: stateDirectory)
        report.daemonRunning = report.daemon?.pid.map { RouterSupervisor.isAlive($0) } ?? false
        return report
    }

    static func certificateEntries(ca: CredentialReport, server: CredentialReport) -> [Entry] {
        [(CertificateRole.siteCA, ca), (.routerServer, server)].compactMap { role, report in
            guard !report.isMissing else { return nil }
            let until = report.notAfter.map { "valid until " + ISO8601DateFormatter().string(from: $0) } ?? ""
            return Entry(kind: "Certificate", name: role.rawValue, status: report.isHealthy ? .ready : .error,
                         message: report.isHealthy ? until : report.problems.map(\.description).joined(separator: "; "))
        }
    }

    /// A Certificate as its credentials are on disk: valid until when, for which hosts.
    static func credentialsEntry(_ name: String, _ credentials: IssuedCredentials?, now: Date) -> Entry {
        func make(_ status: Status, _ message: String) -> Entry { Entry(kind: "Certificate", name: name, status: status, message: message) }
        guard let report = credentials?.report, !report.isMissing else { return make(.pending, "not issued yet (pki/certificates/\(name))") }
        guard report.isHealthy else { return make(.error, report.problems.map(\.description).joined(separator: "; ")) }
        let until = report.notAfter.map { "valid until " + ISO8601DateFormatter().string(from: $0) } ?? "valid"
        let hosts = report.hosts.isEmpty ? "" : " for " + report.hosts.joined(separator: ", ")
        return make(.ready, "pki/certificates/\(name): \(until)\(hosts)")
    }

    /// Maps a recorded resource to what the router says about it.
    static func entry(for resource: AppliedRecord.Entry, router: RouterStatus?, routerError: String?, tokens: TokenLedger) -> Entry {
        func make(_ status: Status, _ message: String) -> Entry {
            Entry(kind: resource.kind.rawValue, name: resource.name, status: status, message: message)
        }
        guard let router else {
            // A token's redemption does not depend on the router.
            return resource.kind == .accessToken ? tokenEntry(resource.name, record: tokens.tokens[resource.name], router: nil)
                : make(.error, "router not running")
        }
        switch resource.kind {
        case .listener:
            guard let listener = router.listeners.first(where: { $0.name == resource.name }) else { return make(.pending, "not configured in the router") }
            if let error = listener.error { return make(.error, error) }
            if !listener.hasMatchingConnector { return make(.pending, "No matching connectors (listening on \(listener.address))") }
            return make(.ready, "listening on \(listener.address), \(listener.openFlows) open flows")
        case .multiKeyListener:
            guard let listener = router.listeners.first(where: { $0.name == resource.name }) else { return make(.pending, "not configured in the router") }
            if let error = listener.error { return make(.error, error) }
            let reachable = listener.routingKeysReachable ?? []
            if reachable.isEmpty { return make(.pending, "none of its routing keys is reachable (listening on \(listener.address))") }
            return make(.ready, "listening on \(listener.address), routing keys reachable: \(reachable.joined(separator: ", ")), \(listener.openFlows) open flows")
        case .connector:
            guard let connector = router.connectors.first(where: { $0.name == resource.name }) else { return make(.pending, "not configured in the router") }
            return connector.reachable
                ? make(.ready, "\(connector.target), \(connector.openFlows) open flows")
                : make(.error, connector.lastError ?? "\(connector.target) unreachable")
        case .link:
            guard let link = router.links.first(where: { $0.name == resource.name }) else { return make(.pending, "not configured in the router") }
            if link.state == .up { return make(.ready, "linked to site \(link.peerSite ?? "?")") }
            return link.lastError.map { make(.error, "\(link.state): \($0)") } ?? make(.pending, "\(link.state): connecting")
        case .routerAccess:
            let ports = router.linkAccess
            if let failed = ports.first(where: { !$0.bound }) { return make(.error, failed.error ?? "not bound") }
            return make(.ready, "accepting links on " + ports.map(\.address).joined(separator: ", "))
        case .site:
            return make(.ready, "router running")
        case .accessGrant:
            guard let server = router.grantServer else { return make(.pending, "not configured in the router") }
            if let error = server.error { return make(.error, "grant server \(server.address): \(error)") }
            guard let grant = server.grants.first(where: { $0.name == resource.name }) else { return make(.pending, "not armed yet") }
            return grantEntry(grant, make: make)
        case .accessToken:
            return tokenEntry(resource.name, record: tokens.tokens[resource.name], router: router)
        case .certificate:
            return make(.pending, "see its credentials")  // reported from disk by `load`, not by the router
        }
    }

    /// An AccessGrant as its grant server holds it: one that can no longer be redeemed is not ready.
    static func grantEntry(_ grant: GrantServerStatus.Grant, make: (Status, String) -> Entry) -> Entry {
        let expiry = ISO8601DateFormatter().string(from: grant.expiresAt)
        let uses = "\(grant.redemptions)/\(grant.redemptionsAllowed) redemptions"
        switch grant.state {
        case .open:
            return make(.ready, "open at \(grant.url), \(uses), expires at \(expiry)")
        case .usedUp:
            return make(.notReady, "used up (\(uses)): no site can redeem it again; raise spec.redemptionsAllowed or add an AccessGrant")
        case .expired:
            return make(.notReady, "expired at \(expiry) (\(uses)): rename or change the AccessGrant in git to serve a fresh one")
        case .revoked:
            return make(.notReady, "revoked by `skiff revoke-access`: the next apply serves it afresh, with a new code")
        }
    }

    /// An AccessToken as its redemption left it, and the link it made as the router has it now.
    static func tokenEntry(_ name: String, record: TokenLedger.Record?, router: RouterStatus?) -> Entry {
        func make(_ status: Status, _ message: String) -> Entry { Entry(kind: "AccessToken", name: name, status: status, message: message) }
        let at = record.map { ISO8601DateFormatter().string(from: $0.at) } ?? ""
        switch record?.outcome {
        case nil: return make(.pending, "not redeemed yet")
        case .redeemed?:
            let redeemed = "redeemed at \(at) from site \(record?.grantingSite ?? "?")"
            guard let router else { return make(.error, "\(redeemed); router not running, so link \(name) is down") }
            guard let link = router.links.first(where: { $0.name == name }) else { return make(.pending, "\(redeemed); link \(name) not configured in the router yet") }
            if link.state == .up { return make(.ready, "\(redeemed); link \(name) up") }
            return link.lastError.map { make(.error, "\(redeemed); link \(name) \(link.state): \($0)") }
                ?? make(.pending, "\(redeemed); link \(name) connecting")
        case .refused?:
            return make(.error, (record?.message ?? "refused") + "; commit a fresh token")
        case .failed?:
            return make(.error, (record?.message ?? "failed") + " (tried at \(at); retried every apply)")
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
        lines.append("Router: " + (router.map { "running" + ($0.version.map { ", version \($0)" } ?? "") } ?? "not running (\(routerError ?? "?"))"))
        lines += daemonLines()
        lines.append("")
        lines += entries.map { "  \($0.kind)/\($0.name): \($0.status.label) — \($0.message)" }
        if let router, !router.links.isEmpty {
            lines += ["", "Links:"]
            lines += router.links.map { link in
                let rtt = link.rttMilliseconds.map { String(format: ", rtt %.1f ms", $0) } ?? ""
                let why = link.state == .up ? "" : link.lastError.map { " — \($0)" } ?? ""
                let version = link.peerVersion.map { ", peer runs \($0)" } ?? ""
                return "  \(link.name ?? "(incoming)") \(link.direction) ↔ \(link.peerSite ?? "?"): \(link.state)\(rtt), \(link.openFlows) open flows\(version)\(why)"
            }
        }
        if let router { lines += networkLines(router) }
        return lines.joined(separator: "\n")
    }

    /// The daemon's last result: whether the head commit is live, and if not, every error line.
    func daemonLines() -> [String] {
        guard let daemon else { return [] }
        let at = daemon.lastCycleAt.map { ISO8601DateFormatter().string(from: $0) } ?? "?"
        let process = daemonRunning ? "running (pid \(daemon.pid ?? 0))" : "not running (its last record, pid \(daemon.pid ?? 0))"
        var lines = ["Daemon: \(process), last cycle at \(at): \(daemon.lastResult?.rawValue ?? "?")"]
        let short = { (commit: String?) in commit.map { String($0.prefix(12)) } ?? "none" }
        lines.append("  Head commit \(short(daemon.headCommit)), good commit \(short(daemon.goodCommit))")
        for condition in daemon.conditions where condition.status || condition.type == .ready {
            let label = condition.type == .ready && !condition.status ? "Not Ready" : condition.type.rawValue
            lines.append("  \(label) (\(condition.reason)): \(condition.message)")
        }
        if daemon.lastResult.map({ $0 != .applied && $0 != .unchanged }) ?? false {
            lines += daemon.errors.map { "    \($0)" }
        }
        if let exit = daemon.lastRouterExit { lines.append("  Router last ended: \(exit); the daemon started it again") }
        return lines
    }

    /// The network as this router sees it: sites and the links between them, routes, and where each
    /// routing key has listeners (here) and connectors (anywhere) — `skupper network status`.
    func networkLines(_ router: RouterStatus) -> [String] {
        var lines: [String] = []
        if let routing = router.routing, !routing.sites.isEmpty {
            lines += ["", "Network (sites and their links, from link state):"]
            lines += routing.sites.keys.sorted().map { site in
                let marker = site == self.site ? " (this site)" : ""
                let version = routing.versions?[site].map { " [\($0)]" } ?? ""
                return "  \(site)\(marker)\(version) ↔ " + (routing.sites[site]!.isEmpty ? "(no links)" : routing.sites[site]!.joined(separator: ", "))
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
        var daemon: DaemonState?
        var daemonRunning: Bool

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version", site, appliedCommit = "applied_commit", appliedAt = "applied_at",
                 routerRunning = "router_running", resources, router, daemon, daemonRunning = "daemon_running"
        }
    }

    private func json() -> String {
        ReportJSON.encode(Body(site: site, appliedCommit: applied?.commit, appliedAt: applied?.appliedAt, routerRunning: router != nil,
                               resources: entries, router: router, daemon: daemon, daemonRunning: daemonRunning))
    }
}
