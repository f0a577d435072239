import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SkiffNetSupport
import SkiffPlan

/// The daemon's HTTP endpoints, on loopback by default:
///
/// * `GET /healthz` — 200 while the daemon runs
/// * `GET /readyz` — 200 while the head commit is applied, else 503 with the reason
/// * `GET /metrics` — Prometheus text
/// * `GET /api/v1/status` — the JSON of `skiff status`, with the daemon's own state
/// * `POST /hooks/git` — run a cycle now (HMAC-checked when a secret is set)
public enum DaemonHTTPServer {
    public static let maxBody = 1 << 20

    public static func start(daemon: Daemon, host: String, port: Int, group: EventLoopGroup,
                             metrics: @escaping @Sendable () -> String) -> EventLoopFuture<Channel>
    {
        ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    let responder = DaemonResponder(daemon: daemon, metrics: metrics)
                    try channel.pipeline.syncOperations.addHandler(HTTPExchangeHandler(maxBody: maxBody, tooLarge: .text(.payloadTooLarge, "body too large\n")) {
                        channel.eventLoop.makeSucceededFuture(responder.respond($0))
                    })
                }
            }
            .bind(host: host, port: port)
    }

    /// Whether `signature` (`sha256=<hex>`) is the HMAC-SHA256 of `body` under `secret`, compared in constant time.
    static func verify(signature: String?, body: [UInt8], secret: String) -> Bool {
        guard let signature, signature.hasPrefix("sha256="), let mac = hex(String(signature.dropFirst(7))) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: SymmetricKey(data: Array(secret.utf8)))
    }

    static func hex(_ text: String) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}

/// What the daemon's endpoints answer.
struct DaemonResponder: Sendable {
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
            if let secret = daemon.options.webhookSecret,
               !DaemonHTTPServer.verify(signature: request.head.headers.first(name: "X-Hub-Signature-256"),
                                        body: Array(request.body.readableBytesView), secret: secret)
            {
                return .text(.unauthorized, "bad or missing X-Hub-Signature-256\n")
            }
            daemon.trigger()
            return .text(.accepted, "reconciling\n")
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
