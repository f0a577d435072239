import Foundation
import Logging
import NIOCore
import NIOPosix
@testable import SkiffAccess
@testable import SkiffAccessHTTPS
import SkiffPKI
import SkiffRouterAPI
import SkiffTestSupport
import Testing

/// A real grant server on loopback with real TLS: redeemed by the Swift client and poked with curl.
final class GrantServerHarness: @unchecked Sendable {
    let directory: TemporaryDirectory
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    var server: GrantServer
    let port: Int
    let config: GrantServerConfig

    init(grants: [GrantServerConfig.Grant], failuresPerMinute: Int = 10) throws {
        directory = try TemporaryDirectory("skiff-grants")
        let pki = SitePKI(stateDirectory: directory.path)
        _ = try pki.createCA(site: "west")
        try pki.issueServerCertificate(site: "west", hosts: ["127.0.0.1", "localhost"])
        port = try FreePort.next()
        config = GrantServerConfig(host: "127.0.0.1", port: port, publicHost: "127.0.0.1", grants: grants,
                                   linkEndpoints: [LinkEndpoint(name: "inter-router", host: "127.0.0.1", port: 55671)],
                                   failuresPerMinute: failuresPerMinute)
        server = GrantServer(stateDirectory: directory.path, loop: group.next(), logger: Logger(label: "test"))
        try server.apply(config, site: "west", reloadCertificates: true).wait()
    }

    /// A new server on the same state directory: a router restart.
    func restart() throws {
        try server.shutdown().wait()
        server = GrantServer(stateDirectory: directory.path, loop: group.next(), logger: Logger(label: "test"))
        try server.apply(config, site: "west", reloadCertificates: true).wait()
    }

    var caPEM: String { (try? String(contentsOfFile: directory.path + "/pki/ca/ca.crt", encoding: .utf8)) ?? "" }
    func record(_ name: String) throws -> GrantRecord { try #require(try GrantBook.load(stateDirectory: directory.path).grants[name]) }
    func token(_ name: String, code: String? = nil) throws -> RedemptionClient.Token {
        let record = try record(name)
        return RedemptionClient.Token(url: record.url, code: code ?? record.code, ca: caPEM)
    }

    func refusal(_ token: RedemptionClient.Token) -> RedemptionRefusal? {
        do {
            _ = try RedemptionClient.redeem(token, site: "east", link: "to-west")
            return nil
        } catch AccessError.refused(let refusal, _, _) {
            return refusal
        } catch {
            return .unavailable
        }
    }

    func curl(_ arguments: [String]) throws -> CommandResult {
        try Command.run("curl", ["-sS", "--max-time", "10", "--cacert", directory.path + "/pki/ca/ca.crt", "-o", "-", "-w", "\n%{http_code}"] + arguments)
    }

    deinit {
        try? server.shutdown().wait()
        try? group.syncShutdownGracefully()
    }
}

@Suite struct GrantServerTests {
    @Test func redemptionIssuesCredentialsThatOpenSSLVerifiesAndCountsTheUse() throws {
        let harness = try GrantServerHarness(grants: [.init(name: "east-link")])
        let token = try harness.token("east-link")
        let response = try RedemptionClient.redeem(token, site: "east", link: "to-west")
        #expect(response.site == "west")
        #expect(response.endpoints == [LinkEndpoint(name: "inter-router", host: "127.0.0.1", port: 55671)])
        let folder = try TemporaryDirectory("skiff-redeemed")
        let certificate = try folder.write("tls.crt", response.certificate)
        let ca = try folder.write("ca.crt", response.ca)
        let key = try folder.write("tls.key", response.key)
        #expect(try OpenSSL.verify(ca: ca, certificate: certificate, purpose: "sslclient").status == 0)
        #expect(try OpenSSL.publicKey(ofKey: key) == OpenSSL.publicKey(ofCertificate: certificate))
        #expect(try OpenSSL.text(certificate).contains("to-west"))
        #expect(try harness.record("east-link").redemptions == 1)
        #expect(try harness.record("east-link").redeemedBy == ["east"])

        // One use by default: the second redemption is refused, and so after a restart.
        #expect(harness.refusal(token) == .usedUp)
        try harness.restart()
        #expect(harness.refusal(token) == .usedUp)
        let mode = try FileManager.default.attributesOfItem(atPath: GrantBook.path(stateDirectory: harness.directory.path))[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("redeeming the same token again returns the success on record without asking the server; a later failure under the same name never replaces it")
    func successIsNeverUndone() throws {
        let harness = try GrantServerHarness(grants: [.init(name: "east-link")])
        let east = try TemporaryDirectory("skiff-east")
        let token = try harness.token("east-link")
        let first = try TokenRedemption.redeem(name: "to-west", token: token, cost: 1, site: "east", stateDirectory: east.path)
        #expect(first.outcome == .redeemed)
        let key = try String(contentsOfFile: east.path + "/pki/links/to-west/tls.key", encoding: .utf8)

        let again = try TokenRedemption.redeem(name: "to-west", token: token, cost: 1, site: "east", stateDirectory: east.path)
        #expect(Self.same(again, first), "the recorded success, not a used-up refusal: \(again)")
        #expect(try harness.record("east-link").redemptions == 1, "the server was not asked again")

        let wrong = try harness.token("east-link", code: "not-the-code")
        let refused = try TokenRedemption.redeem(name: "to-west", token: wrong, cost: 1, site: "east", stateDirectory: east.path)
        #expect(refused.outcome == .refused)
        let kept = try #require(try TokenLedger.load(stateDirectory: east.path).tokens["to-west"])
        #expect(Self.same(kept, first), "the ledger still holds the success: \(kept)")
        #expect(try String(contentsOfFile: east.path + "/pki/links/to-west/tls.key", encoding: .utf8) == key, "the link's credentials are untouched")
    }

    /// The same ledger record (its time as the ledger stores it, to the second).
    static func same(_ a: TokenLedger.Record, _ b: TokenLedger.Record) -> Bool {
        var aligned = a
        aligned.at = b.at
        return aligned == b && abs(a.at.timeIntervalSince(b.at)) < 1
    }

    @Test("eight redemptions of a one-use grant at once: exactly one gets credentials, the others are told it is used up, and the record says one")
    func concurrentRedemptions() throws {
        let harness = try GrantServerHarness(grants: [.init(name: "east-link")])
        let token = try harness.token("east-link")
        let outcomes = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            outcomes.append(harness.refusal(token).map { "\($0)" } ?? "redeemed")
        }
        let all = outcomes.items.sorted()
        #expect(all == ["redeemed"] + Array(repeating: "\(RedemptionRefusal.usedUp)", count: 7), "\(all)")
        #expect(try harness.record("east-link").redemptions == 1)
    }

    @Test func unknownWrongExpiredAndRevokedAreRefusedDistinctly() throws {
        let harness = try GrantServerHarness(grants: [.init(name: "east-link", redemptionsAllowed: 5)])
        var token = try harness.token("east-link")
        #expect(harness.refusal(try harness.token("east-link", code: "not-the-code")) == .wrongCode)
        var unknown = token
        unknown.url = unknown.url.replacingOccurrences(of: "east-link", with: "nope")
        #expect(harness.refusal(unknown) == .unknownGrant)

        // The clock moves past the expiry (15 minutes by default).
        let later = try harness.record("east-link").expiresAt.addingTimeInterval(1)
        harness.server.now = { later }
        #expect(harness.refusal(token) == .expired)
        harness.server.now = { Date() }

        // The CA is replaced (revoke-access): the grant is refused even before the router reloads.
        _ = try SitePKI(stateDirectory: harness.directory.path).rotateCA(site: "west", overlap: 0)
        #expect(harness.refusal(token) == .revoked)
        // After the reload the server's certificate comes from the new CA: the old token no longer verifies it.
        try harness.server.apply(harness.config, site: "west", reloadCertificates: true).wait()
        token.code = try harness.record("east-link").code
        do {
            _ = try RedemptionClient.redeem(token, site: "east", link: "to-west")
            Issue.record("a token with the replaced CA was accepted")
        } catch AccessError.untrusted(let url) {
            #expect(url == token.url)
        }
    }

    @Test func wrongCodesAreRateLimitedPerAddress() throws {
        let harness = try GrantServerHarness(grants: [.init(name: "east-link")], failuresPerMinute: 3)
        for _ in 0..<3 { #expect(harness.refusal(try harness.token("east-link", code: "guess")) == .wrongCode) }
        // Past the limit even the right code waits.
        #expect(harness.refusal(try harness.token("east-link")) == .rateLimited)
        #expect(try harness.record("east-link").redemptions == 0)
    }

    @Test func curlIsRefusedCleanlyForBadRequests() throws {
        let harness = try GrantServerHarness(grants: [.init(name: "east-link")])
        let url = try harness.record("east-link").url
        let get = try harness.curl([url])
        #expect(get.stdout.hasSuffix("\n405"))
        #expect(get.stdout.contains("method-not-allowed"))
        let empty = try harness.curl(["-X", "POST", url])
        #expect(empty.stdout.hasSuffix("\n400"))
        let huge = try harness.directory.write("huge.json", String(repeating: "x", count: 1 << 20))
        let tooLarge = try harness.curl(["-X", "POST", "--data-binary", "@" + huge, url])
        #expect(tooLarge.stdout.hasSuffix("\n413"))
        let tls12 = try harness.curl(["--tlsv1.2", "--tls-max", "1.2", "-X", "POST", "-d", "{}", url])
        #expect(tls12.status != 0)
        #expect(tls12.stdout.hasSuffix("\n000"))
        let wrong = try harness.curl(["-X", "POST", "-d", "{\"code\":\"guess\",\"site\":\"east\",\"link\":\"to-west\"}", url])
        #expect(wrong.stdout.hasSuffix("\n403"))
        #expect(wrong.stdout.contains("wrong-code"))
        // After all that the server still redeems.
        #expect(try RedemptionClient.redeem(try harness.token("east-link"), site: "east", link: "to-west").site == "west")
    }
}
