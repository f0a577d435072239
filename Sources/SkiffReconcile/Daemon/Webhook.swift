import Crypto
import Foundation
import NIOHTTP1

/// A push notification from a forge: who sent it, whether it is authentic, and whether it is about
/// the branch this daemon follows. Pure: headers and body in, a verdict out.
///
/// The forges sign differently:
/// * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`
/// * Gitea and Forgejo: `X-Gitea-Signature` (or `X-Forgejo-Signature`): the same HMAC, bare hex
/// * GitLab: `X-Gitlab-Token: <the secret itself>` (GitLab sends the token, it signs nothing)
///
/// Gitea also sends GitHub's and Gogs's headers for compatibility, so it is recognised first.
public enum Webhook {
    public enum Forge: String, Sendable {
        case github, gitlab, gitea
    }

    public enum Verdict: Equatable, Sendable {
        /// Authentic (or no secret is set) and about the followed branch, or about no branch at all
        /// (a ping): run a cycle.
        case trigger(Forge?)
        /// Authentic, but a push to another branch or a tag: nothing to do.
        case ignore(String)
        /// Not authentic: the reason, for the 401's body.
        case refuse(String)
    }

    /// The verdict on a request to `/hooks/git`. `secret`: the shared secret, when one is set.
    /// `revision`: the daemon's `--ref` (nil: the repository's default branch).
    public static func verdict(headers: HTTPHeaders, body: [UInt8], secret: String?, revision: String?) -> Verdict {
        let forge = Self.forge(headers)
        if let secret, let failure = authenticate(forge, headers: headers, body: body, secret: secret) {
            return .refuse(failure)
        }
        guard let push = Push(body) else { return .trigger(forge) }
        guard push.ref.hasPrefix("refs/heads/") else { return .ignore("\(push.ref) is not a branch") }
        let branch = String(push.ref.dropFirst("refs/heads/".count))
        guard let followed = followedBranch(revision, defaultBranch: push.defaultBranch), followed != branch else {
            return .trigger(forge)
        }
        return .ignore("a push to \(branch); this daemon follows \(followed)")
    }

    static func forge(_ headers: HTTPHeaders) -> Forge? {
        if headers.contains(name: "X-Gitea-Event") || headers.contains(name: "X-Forgejo-Event")
            || headers.contains(name: "X-Gitea-Signature") || headers.contains(name: "X-Forgejo-Signature")
        {
            return .gitea
        }
        if headers.contains(name: "X-Gitlab-Event") || headers.contains(name: "X-Gitlab-Token") { return .gitlab }
        if headers.contains(name: "X-GitHub-Event") || headers.contains(name: "X-Hub-Signature-256") { return .github }
        return nil
    }

    /// Nil when the request proves it knows `secret`, else why not.
    static func authenticate(_ forge: Forge?, headers: HTTPHeaders, body: [UInt8], secret: String) -> String? {
        let key = SymmetricKey(data: Array(secret.utf8))
        switch forge {
        case .gitlab:
            guard let token = headers.first(name: "X-Gitlab-Token") else { return "missing X-Gitlab-Token" }
            // Compared as HMACs of both: constant time whatever the lengths.
            let expected = HMAC<SHA256>.authenticationCode(for: Array(secret.utf8), using: key)
            return HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: Array(token.utf8), using: key) ? nil : "bad X-Gitlab-Token"
        case .gitea:
            let header = headers.first(name: "X-Gitea-Signature") ?? headers.first(name: "X-Forgejo-Signature")
            guard let header else { return "missing X-Gitea-Signature" }
            return validMAC(hex: header, body: body, key: key) ? nil : "bad X-Gitea-Signature"
        case .github, nil:
            guard let header = headers.first(name: "X-Hub-Signature-256"), header.hasPrefix("sha256=") else {
                return "bad or missing X-Hub-Signature-256"
            }
            return validMAC(hex: String(header.dropFirst(7)), body: body, key: key) ? nil : "bad or missing X-Hub-Signature-256"
        }
    }

    static func validMAC(hex text: String, body: [UInt8], key: SymmetricKey) -> Bool {
        guard let mac = hex(text) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key)
    }

    static func hex(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    /// The branch a `--ref` follows, when it names one: `main`, `refs/heads/main`, `origin/main`;
    /// nil for what cannot be told from a push (a commit id, `HEAD~1`, a tag), which always triggers.
    static func followedBranch(_ revision: String?, defaultBranch: String?) -> String? {
        guard let revision, revision != "HEAD" else { return defaultBranch }
        if revision.hasPrefix("refs/heads/") { return String(revision.dropFirst("refs/heads/".count)) }
        if revision.hasPrefix("refs/") { return nil }
        if revision.hasPrefix("origin/") { return String(revision.dropFirst("origin/".count)) }
        let plain = revision.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
        let commitID = revision.count >= 7 && revision.allSatisfy(\.isHexDigit)
        return plain && !commitID ? revision : nil
    }

    /// The parts of a push event the three forges share: `ref`, and the repository's default
    /// branch (`repository.default_branch` on GitHub and Gitea, `project.default_branch` on GitLab).
    struct Push {
        var ref: String
        var defaultBranch: String?

        init?(_ body: [UInt8]) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
                  let ref = object["ref"] as? String else { return nil }
            self.ref = ref
            let repository = object["repository"] as? [String: Any], project = object["project"] as? [String: Any]
            defaultBranch = (repository?["default_branch"] ?? project?["default_branch"]) as? String
        }
    }
}
