import Crypto
import Foundation
import NIOHTTP1
@testable import SkiffReconcile
import Testing

/// Push notifications in the shapes GitHub, GitLab and Gitea send (Tests/Corpus/webhooks), with
/// each forge's headers: authentic or not, about the followed branch or not.
@Suite("webhooks from the forges")
struct WebhookTests {
    static let secret = "s3cret-hook"
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Corpus/webhooks"

    static func payload(_ forge: String, ref: String? = nil) throws -> [UInt8] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(corpus)/\(forge)-push.json"))
        guard let ref else { return Array(data) }
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["ref"] = ref
        return Array(try JSONSerialization.data(withJSONObject: object))
    }

    static func hmac(_ body: [UInt8], secret: String = secret) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8))).map { String(format: "%02x", $0) }.joined()
    }

    /// The headers each forge sends with a push (delivery ids and user agents as they spell them).
    static func headers(_ forge: String, body: [UInt8], secret: String = secret) -> HTTPHeaders {
        switch forge {
        case "github":
            return ["X-GitHub-Event": "push", "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
                    "User-Agent": "GitHub-Hookshot/044aadd", "X-Hub-Signature-256": "sha256=" + hmac(body, secret: secret)]
        case "gitlab":
            return ["X-Gitlab-Event": "Push Hook", "X-Gitlab-Instance": "https://gitlab.example.com",
                    "User-Agent": "GitLab/17.5.0", "X-Gitlab-Token": secret]
        default:
            // Gitea sends GitHub's and Gogs's event headers too, and an HMAC under each name.
            return ["X-Gitea-Event": "push", "X-Gitea-Delivery": "f6266f16-1bf3-46a5-9ea4-602e06ead473",
                    "X-Gogs-Event": "push", "X-GitHub-Event": "push", "X-Gitea-Signature": hmac(body, secret: secret),
                    "X-Gogs-Signature": hmac(body, secret: secret), "X-Hub-Signature-256": "sha256=" + hmac(body, secret: secret)]
        }
    }

    @Test("a signed push to the followed branch triggers a cycle, from each forge", arguments: ["github", "gitlab", "gitea"])
    func authentic(forge: String) throws {
        let body = try Self.payload(forge)
        let verdict = Webhook.verdict(headers: Self.headers(forge, body: body), body: body, secret: Self.secret, revision: "main")
        #expect(verdict == .trigger(Webhook.Forge(rawValue: forge)))
        // Without --ref the daemon follows the default branch the payload names.
        #expect(Webhook.verdict(headers: Self.headers(forge, body: body), body: body, secret: Self.secret, revision: nil) == .trigger(Webhook.Forge(rawValue: forge)))
    }

    @Test("a wrong secret, a missing header or a changed body is refused, from each forge", arguments: ["github", "gitlab", "gitea"])
    func forged(forge: String) throws {
        let body = try Self.payload(forge)
        let wrong = Webhook.verdict(headers: Self.headers(forge, body: body, secret: "guess"), body: body, secret: Self.secret, revision: "main")
        guard case .refuse = wrong else { Issue.record("a wrong secret gave \(wrong)"); return }
        var stripped = Self.headers(forge, body: body)
        for name in ["X-Hub-Signature-256", "X-Gitlab-Token", "X-Gitea-Signature"] { stripped.remove(name: name) }
        guard case .refuse = Webhook.verdict(headers: stripped, body: body, secret: Self.secret, revision: "main") else {
            Issue.record("an unsigned \(forge) push was accepted"); return
        }
        // GitLab signs nothing (its token is the secret), so only the HMAC forges notice a changed body.
        if forge != "gitlab" {
            let changed = try Self.payload(forge, ref: "refs/heads/main ")
            guard case .refuse = Webhook.verdict(headers: Self.headers(forge, body: body), body: changed, secret: Self.secret, revision: "main") else {
                Issue.record("a changed \(forge) body was accepted"); return
            }
        }
    }

    @Test("a push to another branch, or a tag, does not trigger a cycle", arguments: ["github", "gitlab", "gitea"])
    func otherBranch(forge: String) throws {
        let body = try Self.payload(forge, ref: "refs/heads/feature")
        let verdict = Webhook.verdict(headers: Self.headers(forge, body: body), body: body, secret: Self.secret, revision: "main")
        #expect(verdict == .ignore("a push to feature; this daemon follows main"))
        #expect(Webhook.verdict(headers: Self.headers(forge, body: body), body: body, secret: nil, revision: "origin/main") == .ignore("a push to feature; this daemon follows main"))
        // The default branch (main in every payload) when --ref is not given.
        #expect(Webhook.verdict(headers: Self.headers(forge, body: body), body: body, secret: Self.secret, revision: nil) == .ignore("a push to feature; this daemon follows main"))
        let tag = try Self.payload(forge, ref: "refs/tags/v1.0")
        #expect(Webhook.verdict(headers: Self.headers(forge, body: tag), body: tag, secret: Self.secret, revision: "main") == .ignore("refs/tags/v1.0 is not a branch"))
    }

    @Test("a --ref that names no branch (a commit, HEAD~1) is never second-guessed: every authentic push triggers")
    func unknownRevision() throws {
        let body = try Self.payload("github", ref: "refs/heads/feature")
        for revision in ["f95f852bd8fca8fcc58a9a2d6c842781e32a215e", "HEAD~1", "refs/tags/v1"] {
            #expect(Webhook.verdict(headers: Self.headers("github", body: body), body: body, secret: Self.secret, revision: revision) == .trigger(.github))
        }
        #expect(Webhook.verdict(headers: Self.headers("github", body: body), body: body, secret: Self.secret, revision: "refs/heads/feature") == .trigger(.github))
    }

    @Test("a ping (no ref) triggers; without a secret any forge's push is taken")
    func pingAndNoSecret() throws {
        let ping = Array(#"{"zen":"Keep it logically awesome.","hook_id":1}"#.utf8)
        #expect(Webhook.verdict(headers: Self.headers("github", body: ping), body: ping, secret: Self.secret, revision: "main") == .trigger(.github))
        #expect(Webhook.verdict(headers: [:], body: ping, secret: nil, revision: "main") == .trigger(nil))
        let body = try Self.payload("gitlab")
        #expect(Webhook.verdict(headers: ["X-Gitlab-Event": "Push Hook"], body: body, secret: nil, revision: "main") == .trigger(.gitlab))
    }
}
