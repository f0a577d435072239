import Foundation
import NIOCore
import NIOHTTP1
import SkiffAccess
import SkiffNetSupport

/// One HTTP exchange with the grant server: `POST /grants/<name>` with a JSON body of at most
/// `GrantServer.maxBody` bytes. Every answer is JSON and closes the connection; a wrong method or
/// a declared length past the limit is refused from the head, before any body is read.
enum GrantExchange {
    static func handler(for server: GrantServer) -> HTTPExchangeHandler {
        HTTPExchangeHandler(maxBody: GrantServer.maxBody, tooLarge: refusal(.tooLarge), screen: { head in
            head.method == .POST ? nil : refusal(.methodNotAllowed)
        }, respond: { request in
            respond(request, server: server)
        })
    }

    static func respond(_ request: HTTPRequest, server: GrantServer) -> EventLoopFuture<HTTPResponse> {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0] == "grants" else { return server.loop.makeSucceededFuture(refusal(.unknownGrant)) }
        let body = request.body.readableBytes > 0 ? request.body : nil
        return server.redeem(grant: String(parts[1]), body: body, from: request.remoteIP ?? "unknown").map { result in
            switch result {
            case .success(let response): json(.ok, response)
            case .failure(let refused): refusal(refused)
            }
        }
    }

    static func refusal(_ refusal: RedemptionRefusal) -> HTTPResponse {
        var response = json(HTTPResponseStatus(statusCode: refusal.httpStatus), RedemptionErrorBody(error: refusal, message: refusal.explanation))
        if refusal == .methodNotAllowed { response.headers.append(("Allow", "POST")) }
        return response
    }

    private static func json(_ status: HTTPResponseStatus, _ value: some Encodable) -> HTTPResponse {
        HTTPResponse(status, contentType: "application/json", body: Array((try? JSONEncoder().encode(value)) ?? Data("{}".utf8)), close: true)
    }
}
