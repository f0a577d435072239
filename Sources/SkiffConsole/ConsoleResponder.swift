import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SkiffNetSupport
import SkiffRouterAPI
import SkiffSupport
import SkiffTelemetry

/// What the console answers: the page and its assets, and the JSON API (each answer carries
/// `format_version`):
///
/// * `GET /api/v1/network` — sites, links and services with their figures (`NetworkView`)
/// * `GET /api/v1/sites` — the sites alone, with each one's GitOps report
/// * `GET /api/v1/services` — the services alone: listeners and connectors per site
/// * `GET /api/v1/throughput?seconds=900&service=KEY&top=10` — bytes per second per service and
///   per link, one sample per summary interval (`ThroughputReport`)
/// * `GET /api/v1/gitops` — per site: head and applied commit, last result and errors, pending
///   changes, recent applies
///
/// Everything comes from the site's router (`/v1/network`, `/v1/throughput` on its management
/// socket), which holds every site's summary; the router's blocking client runs off the event loop.
public struct ConsoleResponder: Sendable {
    let socketPath: String

    public init(stateDirectory: StateDirectory) {
        socketPath = RouterProcess.socketPath(stateDirectory.path)
    }

    /// The answer to `request`, or nil when the path is not the console's.
    public func respond(_ request: HTTPRequest, on loop: EventLoop) -> EventLoopFuture<HTTPResponse>? {
        if let asset = ConsoleAssets.asset(at: request.path) {
            guard request.head.method == .GET || request.head.method == .HEAD else { return loop.makeSucceededFuture(Self.methodNotAllowed) }
            return loop.makeSucceededFuture(HTTPResponse(.ok, contentType: asset.contentType, body: asset.bytes,
                                                         headers: [("Cache-Control", "no-cache"), ("X-Content-Type-Options", "nosniff"),
                                                                   ("Content-Security-Policy", Self.contentSecurityPolicy)]))
        }
        guard request.path.hasPrefix("/api/v1/"), let endpoint = Endpoint(rawValue: String(request.path.dropFirst("/api/v1/".count))) else {
            return nil
        }
        guard request.head.method == .GET else { return loop.makeSucceededFuture(Self.methodNotAllowed) }
        let client = ManagementClient(socketPath: socketPath, timeout: 5)
        let uri = request.head.uri
        return NIOThreadPool.singleton.runIfActive(eventLoop: loop) {
            Self.answer(endpoint, uri: uri, client: client)
        }
    }

    enum Endpoint: String {
        case network, sites, services, throughput, gitops
    }

    static func answer(_ endpoint: Endpoint, uri: String, client: ManagementClient) -> HTTPResponse {
        do {
            switch endpoint {
            case .throughput:
                return json(try client.get("/v1/throughput" + ThroughputQuery(uri: uri).queryString))
            case .network:
                return json(try client.get("/v1/network"))
            case .sites:
                let view = try client.network()
                return try encode(SitesAnswer(formatVersion: view.formatVersion, site: view.site, generatedAt: view.generatedAt, sites: view.sites))
            case .services:
                let view = try client.network()
                return try encode(ServicesAnswer(formatVersion: view.formatVersion, site: view.site, generatedAt: view.generatedAt,
                                                 services: view.services))
            case .gitops:
                let view = try client.network()
                return try encode(GitOpsAnswer(formatVersion: view.formatVersion, site: view.site, generatedAt: view.generatedAt,
                                               sites: view.sites.map { .init(name: $0.name, edge: $0.edge, reachable: $0.reachable, gitops: $0.gitops) }))
            }
        } catch let failure as ManagementClient.Failure {
            return error(.serviceUnavailable, "the site's router does not answer: \(failure.description)")
        } catch {
            return Self.error(.internalServerError, "\(error)")
        }
    }

    struct SitesAnswer: Encodable {
        var formatVersion: Int, site: String, generatedAt: Date, sites: [NetworkView.Site]
        enum CodingKeys: String, CodingKey { case formatVersion = "format_version", site, generatedAt, sites }
    }

    struct ServicesAnswer: Encodable {
        var formatVersion: Int, site: String, generatedAt: Date, services: [NetworkView.Service]
        enum CodingKeys: String, CodingKey { case formatVersion = "format_version", site, generatedAt, services }
    }

    struct GitOpsAnswer: Encodable {
        struct Site: Encodable { var name: String, edge: Bool, reachable: Bool, gitops: GitOpsReport? }
        var formatVersion: Int, site: String, generatedAt: Date, sites: [Site]
        enum CodingKeys: String, CodingKey { case formatVersion = "format_version", site, generatedAt, sites }
    }

    static func encode(_ value: some Encodable) throws -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return json(try encoder.encode(value))
    }

    static func json(_ data: Data) -> HTTPResponse {
        HTTPResponse(.ok, contentType: "application/json", body: Array(data), headers: [("Cache-Control", "no-store")])
    }

    static func error(_ status: HTTPResponseStatus, _ message: String) -> HTTPResponse {
        let body = (try? JSONEncoder().encode(["error": message])) ?? Data()
        return HTTPResponse(status, contentType: "application/json", body: Array(body))
    }

    static let methodNotAllowed = HTTPResponse.text(.methodNotAllowed, "method not allowed\n")
    /// Only the console's own scripts and styles; no frame may embed it.
    static let contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'"
}
