import Foundation
import SkiffPlan
import SkiffReconcile
import SkiffRouterAPI
import SkiffSupport
import SkiffTestSupport
import Testing

@Suite("skiff apply and skiff revoke-access, as a user runs them")
struct ApplyCommandTests {
    static func repository() throws -> GitFixture {
        let repo = try GitFixture()
        // A port of its own: a fixed one collides with another test's router still shutting down,
        // and apply now fails on what it cannot bind.
        try repo.write("west/site.yaml", Fixtures.file(Fixtures.site("west", linkAccess: "default"),
                                                       Fixtures.routerAccess(host: "127.0.0.1", port: try FreePort.next()),
                                                       Fixtures.connector("db", port: 5432)))
        try repo.commit("west")
        return repo
    }

    /// Stops the router `apply` started in `state`, when the test ends.
    final class RouterGuard {
        let state: TemporaryDirectory
        init(_ state: TemporaryDirectory) { self.state = state }
        deinit { RouterSupervisor(stateDirectory: StateDirectory(path: state.path)).stop(timeout: 5) }
    }

    @Test("apply from an empty state directory issues certificates openssl accepts; a second apply changes nothing")
    func applyTwice() throws {
        let repo = try Self.repository(), state = try TemporaryDirectory()
        let router = RouterGuard(state)
        defer { _ = router }
        let first = try SkiffBinary.run(["apply", "--site", "west", "--state-dir", state.path], in: repo.path)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("  + create Certificate/site-ca (missing): done"))
        #expect(first.stdout.contains("  + create Connector/db (added in git): recorded"))
        #expect(first.stdout.contains("  + create Router/west (not running): done"))
        #expect(first.stdout.contains("Apply complete: 6 created, 0 updated, 0 deleted."))
        let verify = try Command.run("openssl", ["verify", "-CAfile", state.path + "/pki/ca/ca.crt", state.path + "/pki/server/tls.crt"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(FileManager.default.fileExists(atPath: state.path + "/records/applied.json"))

        let second = try SkiffBinary.run(["apply", "--site", "west", "--state-dir", state.path], in: repo.path)
        #expect(second.status == 0)
        #expect(second.stdout.contains("No changes. Site west matches the desired state."))
        #expect(!second.stdout.contains(": done"))
        let plan = try SkiffBinary.run(["plan", "--site", "west", "--state-dir", state.path, "--detailed-exitcode"], in: repo.path)
        #expect(plan.status == 0)
    }

    @Test("a deleted server key shows as drift in the plan and apply repairs it")
    func drift() throws {
        let repo = try Self.repository(), state = try TemporaryDirectory()
        let router = RouterGuard(state)
        defer { _ = router }
        #expect(try SkiffBinary.run(["apply", "--site", "west", "--state-dir", state.path], in: repo.path).status == 0)
        try FileManager.default.removeItem(atPath: state.path + "/pki/server/tls.key")
        let plan = try SkiffBinary.run(["plan", "--site", "west", "--state-dir", state.path, "--detailed-exitcode"], in: repo.path)
        #expect(plan.status == 2)
        #expect(plan.stdout.contains("  ~ update Certificate/router-server (drift: \(state.path)/pki/server/tls.key: missing)"))
        #expect(plan.stdout.contains("  ~ update Router/west (changed: certificates renewed)"),
                "the router is told about the new certificate by the same apply: \(plan.stdout)")
        let apply = try SkiffBinary.run(["apply", "--site", "west", "--state-dir", state.path], in: repo.path)
        #expect(apply.status == 0)
        #expect(FileManager.default.fileExists(atPath: state.path + "/pki/server/tls.key"))
    }

    @Test("an invalid desired state is never applied")
    func invalid() throws {
        let repo = try Self.repository(), state = try TemporaryDirectory()
        try repo.write("west/bad.yaml", Fixtures.listener("web", port: 0))
        try repo.commit("bad")
        let result = try SkiffBinary.run(["apply", "--site", "west", "--state-dir", state.path], in: repo.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("west/bad.yaml:8:9: spec.port: expected an integer 1-65535, got 0"))
        #expect(!FileManager.default.fileExists(atPath: state.path + "/pki"), "nothing was created")
    }

    @Test("revoke-access rotates the CA: a client certificate issued before no longer verifies against the trust bundle")
    func revokeAccess() throws {
        let repo = try Self.repository(), state = try TemporaryDirectory()
        let router = RouterGuard(state)
        defer { _ = router }
        #expect(try SkiffBinary.run(["apply", "--site", "west", "--state-dir", state.path], in: repo.path).status == 0)
        // A client certificate the old CA issued, made with openssl (as another tool would hold it).
        let key = state.path + "/client.key", csr = state.path + "/client.csr", certificate = state.path + "/client.crt"
        try Command.check("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                                      "-subj", "/CN=old-client", "-out", csr])
        try Command.check("openssl", ["x509", "-req", "-in", csr, "-CA", state.path + "/pki/ca/ca.crt", "-CAkey", state.path + "/pki/ca/tls.key",
                                      "-CAcreateserial", "-days", "1", "-out", certificate])
        #expect(try Command.run("openssl", ["verify", "-CAfile", state.path + "/pki/trust/bundle.pem", certificate]).status == 0)

        let revoke = try SkiffBinary.run(["revoke-access", "--site", "west", "--state-dir", state.path])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(revoke.stdout.contains("Rotated the CA of site west"))
        #expect(revoke.stdout.contains("refused from now on"))
        #expect(try Command.run("openssl", ["verify", "-CAfile", state.path + "/pki/trust/bundle.pem", certificate]).status != 0)
        #expect(try Command.run("openssl", ["verify", "-CAfile", state.path + "/pki/ca/ca.crt", state.path + "/pki/server/tls.crt"]).status == 0)
        // revoke-access told the running router itself: nothing is left for an apply to do.
        #expect(revoke.stdout.contains("The router reloaded its trust"))
        let after = try SkiffBinary.run(["plan", "--site", "west", "--state-dir", state.path, "--detailed-exitcode"], in: repo.path)
        #expect(after.status == 0, "the router already runs with the new CA: \(after.stdout)")
        let address = try #require(try ManagementClient(socketPath: RouterProcess.socketPath(state.path)).status().linkAccess.first?.address)
        let served = try Command.run("/bin/sh", ["-c", "timeout 5 openssl s_client -connect \(address) -CAfile \(state.path)/pki/ca/ca.crt </dev/null 2>&1"])
        #expect(served.stdout.contains("Verify return code: 0 (ok)"), "the router serves the new certificate: \(served.stdout.suffix(800))")
    }

    @Test("revoke-access on a site without a CA, or with a bad overlap, is a clear error")
    func revokeErrors() throws {
        let state = try TemporaryDirectory()
        let none = try SkiffBinary.run(["revoke-access", "--site", "west", "--state-dir", state.path])
        #expect(none.status == 1 && none.stderr.contains("has no CA"))
        let bad = try SkiffBinary.run(["revoke-access", "--site", "west", "--state-dir", state.path, "--overlap", "soon"])
        #expect(bad.status == 1 && bad.stderr.contains("--overlap expects a duration"))
    }
}

@Suite("saved plans: skiff plan --out, skiff apply --plan")
struct SavedPlanTests {
    @Test("a saved plan applies while nothing changed; a new commit or a changed live state makes it stale")
    func stalePlans() throws {
        let repo = try ApplyCommandTests.repository(), state = try TemporaryDirectory()
        let router = ApplyCommandTests.RouterGuard(state)
        defer { _ = router }
        let saved = state.path + "/../plan-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: saved) }
        #expect(try SkiffBinary.run(["plan", "--site", "west", "--state-dir", state.path, "--out", saved], in: repo.path).status == 0)
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: saved))) as? [String: Any])
        #expect((plan["actions"] as? [String])?.contains("create Certificate/site-ca (missing)") == true)

        try repo.write("west/more.yaml", Fixtures.connector("more", port: 6000))
        try repo.commit("more")
        let staleCommit = try SkiffBinary.run(["apply", "--site", "west", "--state-dir", state.path, "--plan", saved], in: repo.path)
        #expect(staleCommit.status == 1)
        #expect(staleCommit.stderr.contains("stale plan: it was made for commit"), "\(staleCommit.stderr)")
        #expect(!FileManager.default.fileExists(atPath: state.path + "/pki"), "nothing applied")

        #expect(try SkiffBinary.run(["plan", "--site", "west", "--state-dir", state.path, "--out", saved], in: repo.path).status == 0)
        // Someone applied something else in between: the record changed.
        try state.write("records/applied.json", """
            {"format_version": 1, "site": "west", "commit": null, "applied_at": "2026-01-01T00:00:00Z",
             "resources": [{"kind": "Listener", "name": "ghost", "spec": {"routingKey": "g", "host": "127.0.0.1", "port": 1}}]}
            """)
        let staleLive = try SkiffBinary.run(["apply", "--site", "west", "--state-dir", state.path, "--plan", saved], in: repo.path)
        #expect(staleLive.status == 1)
        #expect(staleLive.stderr.contains("stale plan: the live state of site west changed"), "\(staleLive.stderr)")
        #expect(!FileManager.default.fileExists(atPath: state.path + "/pki"), "nothing applied")

        #expect(try SkiffBinary.run(["plan", "--site", "west", "--state-dir", state.path, "--out", saved], in: repo.path).status == 0)
        let applied = try SkiffBinary.run(["apply", "--site", "west", "--state-dir", state.path, "--plan", saved], in: repo.path)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("Apply complete"))
    }
}
