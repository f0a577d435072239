import Foundation
import NIOCore
import NIOHTTP1
@testable import SkiffConsole
import SkiffPKI
import SkiffNetSupport
import SkiffSupport
import SkiffTestSupport
import Testing

@Suite("Console access rules")
struct ConsoleAccessTests {
    @Test("loopback is told from everything else, IPv4-mapped loopback included", arguments: [
        ("127.0.0.1", true), ("127.8.9.10", true), ("localhost", true), ("::1", true), ("[::1]", true), ("::ffff:127.0.0.1", true),
        ("0.0.0.0", false), ("::", false), ("10.0.0.5", false), ("192.0.2.10", false), ("::ffff:10.0.0.1", false), ("console.example", false),
        ("128.0.0.1", false),
    ])
    func loopback(host: String, expected: Bool) {
        #expect(ConsoleAccess.isLoopback(host) == expected)
    }

    static func request(_ path: String, authorization: String? = nil) -> HTTPRequest {
        var headers = HTTPHeaders()
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        return HTTPRequest(head: HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers), path: path, body: ByteBuffer())
    }

    @Test("off loopback: a password made once (0600) and asked for everywhere but the probes and the webhook; a missing server certificate is one clear line")
    func password() throws {
        let directory = try TemporaryDirectory("skiff-console-access")
        let state = StateDirectory(path: directory.path + "/west")
        #expect(throws: ConsoleError.self) { try ConsoleAccess.forServing(on: "10.0.0.5", site: "west", stateDirectory: state) }
        do {
            _ = try ConsoleAccess.forServing(on: "10.0.0.5", site: "west", stateDirectory: state)
        } catch {
            #expect("\(error)".contains("site west's server certificate, and the site has none"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: ConsoleAccess.passwordPath(state)), "no password without TLS to send it over")
        let local = try ConsoleAccess.forServing(on: "127.0.0.1", site: "west", stateDirectory: state)
        #expect(local.password == nil && local.tls == nil && local.refusal(Self.request("/api/v1/network")) == nil)

        let pki = SitePKI(stateDirectory: state.path)
        _ = try pki.createCA(site: "west")
        try pki.issueServerCertificate(site: "west", hosts: ["10.0.0.5"])
        let remote = try ConsoleAccess.forServing(on: "10.0.0.5", site: "west", stateDirectory: state)
        let password = try #require(remote.password)
        #expect(remote.tls != nil && password.count >= 32)
        let mode = try FileManager.default.attributesOfItem(atPath: ConsoleAccess.passwordPath(state))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try ConsoleAccess.forServing(on: "10.0.0.5", site: "west", stateDirectory: state).password == password, "made once, then read")
        let refused = try #require(remote.refusal(Self.request("/api/v1/network")))
        #expect(refused.status == .unauthorized && refused.headers.contains { $0.0 == "WWW-Authenticate" })
        #expect(remote.refusal(Self.request("/", authorization: "Basic " + Data("admin:\(password)".utf8).base64EncodedString())) == nil)
        for open in ["/healthz", "/readyz", "/hooks/git"] { #expect(remote.refusal(Self.request(open)) == nil, "\(open)") }
    }

    @Test("basic authentication: only admin with the right password passes")
    func basic() {
        let good = Data("admin:s3cret".utf8).base64EncodedString()
        #expect(ConsoleAccess.matches("Basic \(good)", password: "s3cret"))
        #expect(ConsoleAccess.matches("basic \(good)", password: "s3cret"), "the scheme is case-insensitive")
        #expect(!ConsoleAccess.matches("Basic \(good)", password: "s3cre"))
        #expect(!ConsoleAccess.matches("Basic " + Data("root:s3cret".utf8).base64EncodedString(), password: "s3cret"))
        #expect(!ConsoleAccess.matches("Bearer \(good)", password: "s3cret"))
        #expect(!ConsoleAccess.matches("Basic !!!", password: "s3cret"))
    }
}
