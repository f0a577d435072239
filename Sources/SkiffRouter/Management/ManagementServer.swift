import Foundation
import NIOCore
import SkiffLink
import NIOHTTP1
import NIOPosix
import SkiffNetSupport
import SkiffRouterAPI
import SkiffTelemetry

/// The router's management API: HTTP/1.1 on a Unix socket (0600) in the state directory.
///
/// * `GET /v1/status` — links, listeners and connectors with counters
/// * `GET /v1/config` — the configuration in force
/// * `PUT /v1/config` — apply a whole new configuration (incrementally); answers with the status
/// * `GET /v1/network` — the whole network from every site's summary (`NetworkView`)
/// * `GET /v1/throughput?seconds=900&service=KEY&top=10` — throughput history (`ThroughputReport`)
/// * `PUT /v1/gitops` — the reconciler's report (`GitOpsReport`), sent round the network
///
/// `curl --unix-socket router.sock http://localhost/v1/status` works as a client.
public enum ManagementServer {
    /// Largest request body accepted.
    public static let maxBody = 4 << 20

    /// Serves `router` on `socketPath`; `onConfig` persists each configuration applied through it,
    /// `onGitOps` each reconciler's report.
    public static func start(router: Router, socketPath: String, onConfig: @escaping @Sendable (RouterConfig) -> Void,
                             onGitOps: @escaping @Sendable (GitOpsReport) -> Void = { _ in }) -> EventLoopFuture<Channel> {
        unlink(socketPath)
        return ServerBootstrap(group: router.loop)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    let tooLarge = ManagementResponder.failure(.payloadTooLarge, "body larger than \(maxBody) bytes")
                    try channel.pipeline.syncOperations.addHandler(HTTPExchangeHandler(maxBody: maxBody, tooLarge: tooLarge) { request in
                        ManagementResponder.respond(request, router: router, onConfig: onConfig, onGitOps: onGitOps)
                    })
                }
            }
            .bind(unixDomainSocketPath: socketPath)
            .map { channel in
                chmod(socketPath, 0o600)
                return channel
            }
    }
}

/// What the management API answers: JSON, pretty-printed, one line feed at the end.
enum ManagementResponder {
    static func respond(_ request: HTTPRequest, router: Router, onConfig: @escaping @Sendable (RouterConfig) -> Void,
                        onGitOps: @escaping @Sendable (GitOpsReport) -> Void = { _ in }) -> EventLoopFuture<HTTPResponse>
    {
        switch (request.head.method, request.path) {
        case (.GET, "/v1/status"):
            return router.status().map { ok($0) }
        case (.GET, "/v1/config"):
            return router.currentConfig().map { ok($0) }
        case (.PUT, "/v1/config"):
            let config: RouterConfig
            do {
                config = try JSONDecoder().decode(RouterConfig.self, from: Data(request.body.readableBytesView))
            } catch {
                return router.loop.makeSucceededFuture(failure(.badRequest, "not a router configuration: \(error)"))
            }
            return router.apply(config).flatMap {
                onConfig(config)
                return router.status()
            }.map { ok($0) }
        case (.GET, "/v1/network"):
            return router.networkView().map { ok($0, telemetry: true) }
        case (.GET, "/v1/throughput"):
            let query = ThroughputQuery(uri: request.head.uri)
            return router.throughput(seconds: query.seconds, services: query.services, top: query.top).map { ok($0, telemetry: true) }
        case (.PUT, "/v1/gitops"):
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            guard let report = try? decoder.decode(GitOpsReport.self, from: Data(request.body.readableBytesView)) else {
                return router.loop.makeSucceededFuture(failure(.badRequest, "not a GitOps report"))
            }
            return router.setGitOps(report).map {
                onGitOps(report)
                return ok(["accepted": true])
            }
        case (_, "/v1/status"), (_, "/v1/config"), (_, "/v1/network"), (_, "/v1/throughput"), (_, "/v1/gitops"):
            return router.loop.makeSucceededFuture(failure(.methodNotAllowed, "method \(request.head.method) not allowed on \(request.path)"))
        default:
            return router.loop.makeSucceededFuture(failure(.notFound, "no such endpoint \(request.path); try /v1/status or /v1/config"))
        }
    }

    /// `telemetry`: the network view and throughput, which the console serves as they are —
    /// compact (a view of 50 sites and 1,000 services is most of a megabyte pretty-printed) and
    /// with ISO 8601 dates; the status and configuration stay pretty, with Foundation's default
    /// dates, as their readers expect.
    static func ok(_ value: some Encodable, telemetry: Bool = false) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = telemetry ? [] : [.prettyPrinted, .sortedKeys]
        if telemetry { encoder.dateEncodingStrategy = .iso8601 }
        return json(.ok, (try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    static func failure(_ status: HTTPResponseStatus, _ message: String) -> HTTPResponse {
        json(status, (try? JSONEncoder().encode(["error": message])) ?? Data())
    }

    private static func json(_ status: HTTPResponseStatus, _ data: Data) -> HTTPResponse {
        HTTPResponse(status, contentType: "application/json", body: Array(data) + [UInt8(ascii: "\n")])
    }
}
