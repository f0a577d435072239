import Foundation
import SkiffSource
import SkiffTestSupport
@testable import SkiffTrust
import Testing

extension Signers {
    /// What the policy says of HEAD, read through libgit2 as `plan` and the daemon read it.
    func verdict(_ policy: SignaturePolicy, revision: String = "HEAD") throws -> SignaturePolicy.Verdict {
        let snapshot = try NetworkSource.read(SourceRequest(repository: repo.path, revision: revision))
        return policy.check(commit: try #require(snapshot.commit?.id), signature: snapshot.signature)
    }

    /// `git verify-commit` with the same allowed_signers file: git's own opinion.
    func gitVerifies(_ allowed: String, revision: String = "HEAD") -> Bool {
        (try? repo.gitArguments(["-c", "gpg.ssh.allowedSignersFile=\(allowed)", "verify-commit", revision])) != nil
    }
}

@Suite("signed commits: SSH signatures and allowed_signers", .serialized)
struct SSHSignedCommitTests {
    @Test("commits signed with Ed25519, ECDSA P-256 and RSA keys listed for the committer are trusted, as git verify-commit agrees",
          arguments: [("ed25519", nil), ("ecdsa", "256"), ("rsa", "3072")] as [(String, String?)])
    func trusted(type: String, bits: String?) throws {
        let signers = try Signers()
        let key = try signers.sshKey("ada-\(type)", type: type, bits: bits)
        try signers.commitSSH("signed with \(type)", key: key)
        let allowed = try signers.allowedSigners(["ada@example.com namespaces=\"git\" \(try signers.publicKey(key))"])
        #expect(signers.gitVerifies(allowed), "git itself accepts the signature")
        let verdict = try signers.verdict(try SignaturePolicy(allowedSigners: allowed, trustedGPGKeys: nil))
        guard case .trusted(let who) = verdict else { Issue.record("\(type): \(verdict)"); return }
        #expect(who.hasPrefix("ada@example.com (") && who.contains("SHA256:"))
    }

    @Test("unsigned, signed by a key not listed, tampered, expired, and a principal that is not the committer: each refused in one line")
    func refused() throws {
        let signers = try Signers()
        let ada = try signers.sshKey("ada"), eve = try signers.sshKey("eve")
        let adaKey = try signers.publicKey(ada)
        let policy = { (lines: [String]) in try SignaturePolicy(allowedSigners: try signers.allowedSigners(lines), trustedGPGKeys: nil) }
        let allowed = try policy(["ada@example.com \(adaKey)"])

        let unsigned = try signers.repo.commit("unsigned")
        #expect(try signers.verdict(allowed) == .refused("commit \(unsigned.prefix(12)) is not signed, and only signed commits are applied here"))

        let byEve = try signers.commitSSH("signed by eve", key: eve)
        guard case .refused(let notListed) = try signers.verdict(allowed) else { Issue.record("eve's commit was trusted"); return }
        #expect(notListed.hasPrefix("commit \(byEve.prefix(12)) is signed by a key not in ") && notListed.contains("ssh-ed25519 SHA256:"), "\(notListed)")

        // A signed commit whose message is changed afterwards, its signature header kept: git's
        // own check fails too.
        try signers.commitSSH("signed by ada", key: ada)
        let original = try signers.repo.git("cat-file", "commit", "HEAD")
        let object = try signers.repo.directory.write("tampered", original.replacingOccurrences(of: "signed by ada", with: "signed by ada, honest") + "\n")
        let tampered = try Command.check("git", ["-C", signers.repo.path, "hash-object", "-t", "commit", "-w", object]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let adaAllowed = try signers.allowedSigners(["ada@example.com \(adaKey)"])
        #expect(!signers.gitVerifies(adaAllowed, revision: tampered))
        #expect(try signers.verdict(allowed, revision: tampered) == .refused("commit \(tampered.prefix(12)) has an SSH signature that does not verify: the commit was changed after it was signed"))

        let expired = try policy(["ada@example.com valid-before=\"20200101Z\" \(adaKey)"])
        guard case .refused(let old) = try signers.verdict(expired) else { Issue.record("an expired key was trusted"); return }
        #expect(old.contains("is signed by an expired key") && old.contains("line 1 allows it before 2020-01-01"), "\(old)")

        let forBob = try policy(["bob@example.com,*@ops.example.com \(adaKey)"])
        guard case .refused(let principal) = try signers.verdict(forBob) else { Issue.record("a key for bob signed as ada"); return }
        #expect(principal.contains("allows for bob@example.com, *@ops.example.com (line 1), not for its committer ada@example.com"), "\(principal)")

        let otherNamespace = try policy(["ada@example.com namespaces=\"file\" \(adaKey)"])
        guard case .refused(let namespace) = try signers.verdict(otherNamespace) else { Issue.record("a file-only key signed a commit"); return }
        #expect(namespace.contains("only for namespaces file"), "\(namespace)")

        #expect(try signers.verdict(try policy(["*@example.com \(adaKey)"])) != .refused(""), "a wildcard principal matches")
    }

    @Test("a bad allowed_signers file is refused naming its file and line")
    func badFile() throws {
        let signers = try Signers()
        let key = try signers.publicKey(try signers.sshKey("ada"))
        for (lines, message) in [
            (["ada@example.com"], ":1: expected: principals [options] key-type base64-key"),
            (["# comment", "ada@example.com valid-before=\"2020\" \(key)"], ":2: valid-before=2020 is not YYYYMMDD[HHMM[SS]][Z]"),
            (["ada@example.com cert-authority \(key)"], ":1: cert-authority keys are not supported"),
            (["ada@example.com ssh-dss AAAAB3NzaC1kc3M="], ":1: key type ssh-dss is not supported"),
            (["ada@example.com ssh-ed25519 bm90IGEga2V5"], ":1: the ssh-ed25519 key is not valid base64 of such a key"),
            (["# nothing"], ":0: no signer in the file"),
        ] {
            let file = try signers.allowedSigners(lines)
            #expect(throws: AllowedSigners.Failure.self) { try SignaturePolicy(allowedSigners: file, trustedGPGKeys: nil) }
            do { _ = try SignaturePolicy(allowedSigners: file, trustedGPGKeys: nil) } catch {
                #expect("\(error)" == file + message || "\(error)".hasPrefix(file + message), "\(error)")
            }
        }
    }
}

@Suite("signed commits: OpenPGP through gpgv", .serialized)
struct OpenPGPSignedCommitTests {
    @Test("a commit signed by a listed gpg key is trusted; another key, an expired key and an SSH signature without allowed_signers are refused")
    func openPGP() throws {
        let signers = try Signers()
        let ada = try signers.gpgKey("Ada Tester <ada@example.com>")
        let mallory = try signers.gpgKey("Mallory <mallory@example.com>")
        let old = try signers.gpgKey("Old Key <old@example.com>", expiring: "1d", madeAt: "20200101T000000")
        let policy = try SignaturePolicy(allowedSigners: nil, trustedGPGKeys: try signers.exportGPG([ada, old]))

        try signers.commitGPG("signed by ada", key: ada)
        #expect(try signers.verdict(policy) == .trusted("Ada Tester <ada@example.com> (OpenPGP \(ada))"))

        let byMallory = try signers.commitGPG("signed by mallory", key: mallory)
        guard case .refused(let unknown) = try signers.verdict(policy) else { Issue.record("mallory was trusted"); return }
        #expect(unknown.hasPrefix("commit \(byMallory.prefix(12)) is signed by OpenPGP key ") && unknown.contains("which is not in"), "\(unknown)")

        try signers.commitGPG("signed by an expired key", key: old, at: "20200101T120000")
        guard case .refused(let expired) = try signers.verdict(policy) else { Issue.record("an expired key was trusted"); return }
        #expect(expired.contains("is signed by an expired OpenPGP key (Old Key <old@example.com>)"), "\(expired)")

        try signers.commitSSH("ssh", key: try signers.sshKey("ada"))
        guard case .refused(let noFile) = try signers.verdict(policy) else { Issue.record("an SSH signature passed a gpg-only policy"); return }
        #expect(noFile.hasSuffix("is signed with an SSH key, and no --allowed-signers file is given"))
    }

    @Test("a keys file with no OpenPGP key in it is refused naming it")
    func badKeys() throws {
        let signers = try Signers()
        let file = try signers.keys.write("keys.asc", "not a key\n")
        #expect(throws: OpenPGPVerifier.Failure.self) { try SignaturePolicy(allowedSigners: nil, trustedGPGKeys: file) }
    }
}
