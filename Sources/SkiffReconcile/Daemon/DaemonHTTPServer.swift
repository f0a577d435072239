import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SkiffNetSupport
import SkiffPlan

/// The daemon's HTTP endpoints, on loopback by default:
///
/// * `GET /healthz` — 200 while the daemon runs
/// * `GET /readyz` — 200 while the head commit is applied, else 503 with the reason
/// * `GET /metrics` — Prometheus text
/// * `GET /api/v1/status` — the JSON of `skiff status`, with the daemon's own state
/// * `POST /hooks/git` — run a cycle now: a push from GitHub, GitLab, Gitea or Forgejo, checked
///   against the secret when one is set (`Webhook`); a push to another branch is ignored
public enum DaemonHTTPServer {
    public static let maxBody = 1 << 20

    /// Serves the daemon's endpoints; `console` answers what they do not (the console, served at
    /// `/`), and `gate` may refuse a request first (authentication off loopback).
    public static func start(daemon: Daemon, host: String, port: Int, group: EventLoopGroup, tls: NIOSSLContext? = nil,
                             gate: (@Sendable (HTTPRequest) -> HTTPResponse?)? = nil,
                             console: (@Sendable (HTTPRequest, EventLoop) -> EventLoopFuture<HTTPResponse>?)? = nil,
                             metrics: @escaping @Sendable () -> String) -> EventLoopFuture<Channel>
    {
        let responder = DaemonResponder(daemon: daemon, metrics: metrics)
        let loop = group.next()
        return HTTPServer.start(host: host, port: port, group: group, tls: tls, maxBody: maxBody) { request in
            if let refusal = gate?(request) { return loop.makeSucceededFuture(refusal) }
            if !DaemonResponder.paths.contains(request.path), let answer = console?(request, loop) { return answer }
            return loop.makeSucceededFuture(responder.respond(request))
        }
    }
}

/// What the daemon's endpoints answer.
struct DaemonResponder: Sendable {
    static let paths: Set<String> = ["/healthz", "/readyz", "/metrics", "/api/v1/status", "/hooks/git"]

    let daemon: Daemon
    let metrics: @Sendable () -> String

    func respond(_ request: HTTPRequest) -> HTTPResponse {
        switch (request.head.method, request.path) {
        case (.GET, "/healthz"):
            return .text(.ok, "ok\n")
        case (.GET, "/readyz"):
            let state = daemon.snapshot
            let why = state.conditions.first { $0.type == .ready }?.message ?? "no cycle has finished yet"
            return state.ready ? .text(.ok, "ready: \(why)\n") : .text(.serviceUnavailable, "not ready: \(why)\n")
        case (.GET, "/metrics"):
            return .text(.ok, metrics(), contentType: "text/plain; version=0.0.4")
        case (.GET, "/api/v1/status"):
            return .text(.ok, statusJSON(), contentType: "application/json")
        case (.POST, "/hooks/git"):
            switch Webhook.verdict(headers: request.head.headers, body: Array(request.body.readableBytesView),
                                   secret: daemon.options.webhookSecret, revision: daemon.options.source.revision)
            {
            case .refuse(let why):
                return .text(.unauthorized, why + "\n")
            case .ignore(let why):
                return .text(.ok, "ignored: \(why)\n")
            case .trigger:
                daemon.trigger()
                return .text(.accepted, "reconciling\n")
            }
        case (_, "/healthz"), (_, "/readyz"), (_, "/metrics"), (_, "/api/v1/status"), (_, "/hooks/git"):
            return .text(.methodNotAllowed, "method not allowed\n")
        default:
            return .text(.notFound, "not found\n")
        }
    }

    private func statusJSON() -> String {
        let options = daemon.options
        let site = (try? SiteStatusReport.read(site: options.site, stateDirectory: options.stateDirectory).render(.json)) ?? "null"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let state = (try? encoder.encode(daemon.snapshot)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        return "{\"daemon\": \(state), \"site\": \(site)}\n"
    }
}
