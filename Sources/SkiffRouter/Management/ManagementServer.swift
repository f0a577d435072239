import Foundation
import NIOCore
import SkiffLink
import NIOHTTP1
import NIOPosix
import SkiffNetSupport
import SkiffRouterAPI

/// The router's management API: HTTP/1.1 on a Unix socket (0600) in the state directory.
///
/// * `GET /v1/status` — links, listeners and connectors with counters
/// * `GET /v1/config` — the configuration in force
/// * `PUT /v1/config` — apply a whole new configuration (incrementally); answers with the status
///
/// `curl --unix-socket router.sock http://localhost/v1/status` works as a client.
public enum ManagementServer {
    /// Largest request body accepted.
    public static let maxBody = 4 << 20

    /// Serves `router` on `socketPath`; `onConfig` persists each configuration applied through it.
    public static func start(router: Router, socketPath: String, onConfig: @escaping @Sendable (RouterConfig) -> Void) -> EventLoopFuture<Channel> {
        unlink(socketPath)
        return ServerBootstrap(group: router.loop)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    let tooLarge = ManagementResponder.failure(.payloadTooLarge, "body larger than \(maxBody) bytes")
                    try channel.pipeline.syncOperations.addHandler(HTTPExchangeHandler(maxBody: maxBody, tooLarge: tooLarge) { request in
                        ManagementResponder.respond(request, router: router, onConfig: onConfig)
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
    static func respond(_ request: HTTPRequest, router: Router, onConfig: @escaping @Sendable (RouterConfig) -> Void)
        -> EventLoopFuture<HTTPResponse>
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
        case (_, "/v1/status"), (_, "/v1/config"):
            return router.loop.makeSucceededFuture(failure(.methodNotAllowed, "method \(request.head.method) not allowed on \(request.path)"))
        default:
            return router.loop.makeSucceededFuture(failure(.notFound, "no such endpoint \(request.path); try /v1/status or /v1/config"))
        }
    }

    static func ok(_ value: some Encodable) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return json(.ok, (try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    static func failure(_ status: HTTPResponseStatus, _ message: String) -> HTTPResponse {
        json(status, (try? JSONEncoder().encode(["error": message])) ?? Data())
    }

    private static func json(_ status: HTTPResponseStatus, _ data: Data) -> HTTPResponse {
        HTTPResponse(status, contentType: "application/json", body: Array(data) + [UInt8(ascii: "\n")])
    }
}
