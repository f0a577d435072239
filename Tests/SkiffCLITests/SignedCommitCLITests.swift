import Foundation
import SkiffTestSupport
import Testing

/// `--allowed-signers` / `--trusted-gpg-keys` on plan, apply and the daemon, with commits signed
/// by `git commit -S`.
@Suite("skiff with signed commits", .serialized)
struct SignedCommitCLITests {
    @Test("plan and apply refuse an unsigned or untrusted head in one line, exit 1, and apply nothing; a trusted head goes through")
    func planAndApply() throws {
        let signers = try Signers()
        let ada = try signers.sshKey("ada"), eve = try signers.sshKey("eve")
        let allowed = try signers.allowedSigners(["ada@example.com \(try signers.publicKey(ada))"])
        let state = try TemporaryDirectory("skiff-signed")
        let site = ["--site", "west", "--repo", signers.repo.path, "--state-dir", state.path + "/west", "--allowed-signers", allowed]

        let unsigned = try signers.repo.commit("unsigned")
        let plan = try SkiffBinary.run(["plan"] + site)
        #expect(plan.status == 1 && plan.stderr == "Error: commit \(unsigned.prefix(12)) is not signed, and only signed commits are applied here\n", "\(plan.stderr)")
        let apply = try SkiffBinary.run(["apply"] + site)
        #expect(apply.status == 1 && apply.stdout.isEmpty && !FileManager.default.fileExists(atPath: state.path + "/west/records/applied.json"),
                "nothing is applied: \(apply.stdout)")

        try signers.commitSSH("by eve", key: eve)
        let byEve = try SkiffBinary.run(["apply"] + site)
        #expect(byEve.status == 1 && byEve.stderr.contains("is signed by a key not in \(allowed)"), "\(byEve.stderr)")

        try signers.commitSSH("by ada", key: ada)
        #expect(try SkiffBinary.run(["plan"] + site).status == 0)
        let applied = try SkiffBinary.run(["apply"] + site)
        defer { _ = try? SkiffBinary.run(["stop", "--site", "west", "--state-dir", state.path + "/west"]) }
        #expect(applied.status == 0, "\(applied.stderr)")

        let badFile = try signers.allowedSigners(["ada@example.com ssh-ed25519"])
        let refused = try SkiffBinary.run(["plan", "--site", "west", "--repo", signers.repo.path, "--allowed-signers", badFile])
        #expect(refused.status == 1 && refused.stderr.contains("\(badFile):1: "), "\(refused.stderr)")
    }

    @Test("plan --base lists every commit's signature; with trusted keys it fails on an untrusted head")
    func planBase() throws {
        let signers = try Signers()
        let ada = try signers.sshKey("ada")
        let base = try signers.repo.commit("base")
        let allowed = try signers.allowedSigners(["ada@example.com \(try signers.publicKey(ada))"])
        let signed = try signers.commitSSH("signed change", key: ada)
        let range = ["plan", "--repo", signers.repo.path, "--base", base]

        let open = try SkiffBinary.run(range)
        #expect(open.status == 0 && open.stdout.contains("· \(signed.prefix(12)) signed change — signed: SSH, not checked (no --allowed-signers)"), "\(open.stdout)")
        let trusted = try SkiffBinary.run(range + ["--allowed-signers", allowed])
        #expect(trusted.status == 0 && trusted.stdout.contains("✓ \(signed.prefix(12)) signed change — trusted: ada@example.com (ssh-ed25519 SHA256:"),
                "\(trusted.stdout)")

        let unsigned = try signers.repo.commit("unsigned change")
        let refused = try SkiffBinary.run(range + ["--allowed-signers", allowed, "--output", "json"])
        #expect(refused.status == 1 && refused.stderr.contains("commit \(unsigned.prefix(12)) is not signed"), "\(refused.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(refused.stdout.utf8)) as? [String: Any])
        let states = (report["signatures"] as? [[String: Any]])?.map { "\(($0["commit"] as? String ?? "").prefix(12)) \($0["state"] as? String ?? "")" }
        #expect(states == ["\(unsigned.prefix(12)) refused", "\(signed.prefix(12)) trusted"], "\(String(describing: states))")
    }

    @Test("the daemon applies trusted commits, keeps the last good one on an untrusted commit and shows why in status, /readyz and metrics")
    func daemon() throws {
        let signers = try Signers()
        let ada = try signers.sshKey("ada")
        let allowed = try signers.allowedSigners(["ada@example.com \(try signers.publicKey(ada))"])
        try signers.commitSSH("first", key: ada)
        let state = try TemporaryDirectory("skiff-signed-daemon")
        let port = try FreePort.next()
        let daemon = try SkiffBinary.daemon(site: "west", repo: signers.repo.path, stateDirectory: state.path + "/west", interval: "1s",
                                            httpPort: port, logPath: state.path + "/daemon.log", extra: ["--allowed-signers", allowed])
        defer {
            daemon.terminate()
            _ = try? SkiffBinary.run(["stop", "--site", "west", "--state-dir", state.path + "/west"])
        }
        let get = { (path: String) in try? Command.run("curl", ["-s", "--max-time", "5", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"]).stdout }
        #expect(eventually(timeout: 20) { get("/readyz")?.hasSuffix("200") == true }, "the signed commit is applied")

        try signers.repo.write("west/db.yaml", Fixtures.listener("db", port: try FreePort.next()))
        let untrusted = try signers.repo.commit("unsigned listener")
        #expect(eventually(timeout: 10) { get("/readyz")?.contains("not ready: commit \(untrusted.prefix(12)) is not signed") == true },
                "\(get("/readyz") ?? "")")
        #expect(eventually(timeout: 5) { get("/metrics")?.contains("skiff_untrusted_commits_total") == true })
        let status = try SkiffBinary.run(["status", "--site", "west", "--state-dir", state.path + "/west"]).stdout
        #expect(status.contains("UntrustedCommit") && status.contains("is not signed"), "\(status)")
        #expect(!status.contains("Listener/db"), "the untrusted commit's listener is not applied")
        let log = (try? String(contentsOfFile: state.path + "/daemon.log", encoding: .utf8)) ?? ""
        #expect(log.contains("commit is not signed by a trusted key; keeping the last good one"))

        try signers.repo.write("west/db2.yaml", Fixtures.listener("db2", port: try FreePort.next()))
        try signers.commitSSH("signed again", key: ada)
        #expect(eventually(timeout: 20) { get("/readyz")?.hasSuffix("200") == true }, "a new trusted commit is applied")
    }
}
