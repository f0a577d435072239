import Crypto
import Foundation
import SkiffPlan
import SkiffReconcile
import SkiffRouterAPI
import SkiffSupport
import SkiffTestSupport
import Testing

/// `skiff daemon` on a real repository, with real routers; everything stopped at the end.
final class DaemonSite: @unchecked Sendable {
    let sites: AppliedSites
    let httpPort: Int
    var daemon: BackgroundProcess?
    let secretFile: String

    init(interval: String = "30s", extra: [String] = []) throws {
        sites = try AppliedSites()
        httpPort = try FreePort.next()
        secretFile = try sites.state.write("secret", "s3cret-hook\n")
        try start(interval: interval, extra: extra)
    }

    func start(interval: String = "30s", extra: [String] = []) throws {
        daemon = try SkiffBinary.daemon(site: "west", repo: sites.repo.path, stateDirectory: sites.path("west"), interval: interval,
                                        httpPort: httpPort, logPath: sites.state.path + "/daemon.log",
                                        extra: ["--webhook-secret-file", secretFile] + extra)
        _ = eventually { (try? self.get("/readyz"))?.status == 0 }
    }

    func get(_ path: String) throws -> CommandResult {
        try Command.run("curl", ["-sf", "--max-time", "5", "http://127.0.0.1:\(httpPort)\(path)"])
    }

    /// POST /hooks/git signed with the secret (or with `signature`).
    func hook(signature: String? = nil) throws -> String {
        let body = #"{"ref":"refs/heads/main"}"#
        let mac = HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: SymmetricKey(data: Array("s3cret-hook".utf8)))
        let header = signature ?? "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
        return try Command.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "-X", "POST",
                                        "-H", "X-Hub-Signature-256: \(header)", "--data", body,
                                        "http://127.0.0.1:\(httpPort)/hooks/git"]).stdout
    }

    /// POST /hooks/git with a forge's payload (Tests/Corpus/webhooks) and `headers`; the status code.
    func push(_ forge: String, ref: String, headers: (String) -> [String]) throws -> String {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Corpus/webhooks"
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(corpus)/\(forge)-push.json"))) as? [String: Any] ?? [:]
        object["ref"] = ref
        let body = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: SymmetricKey(data: Array("s3cret-hook".utf8)))
        let flags = headers(mac.map { String(format: "%02x", $0) }.joined()).flatMap { ["-H", $0] }
        return try Command.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "-X", "POST"] + flags
                                   + ["--data", body, "http://127.0.0.1:\(httpPort)/hooks/git"]).stdout
    }

    /// A site's GitOps report as the console's API serves it.
    func gitops(_ name: String) -> [String: Any]? {
        guard let text = try? get("/api/v1/gitops").stdout,
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        let sites = object["sites"] as? [[String: Any]] ?? []
        return sites.first { $0["name"] as? String == name }?["gitops"] as? [String: Any]
    }

    func cycles() -> Int {
        ((try? daemonState())?["cycles"] as? Int) ?? -1
    }

    func listeners() -> [String] {
        (try? sites.client("west").config().listeners.map(\.name).sorted()) ?? []
    }

    func daemonState() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(try get("/api/v1/status").stdout.utf8)) as? [String: Any]
        return object?["daemon"] as? [String: Any] ?? [:]
    }

    func addListener(_ name: String, port: Int) throws {
        try sites.repo.write("west/\(name).yaml", Fixtures.listener(name, routingKey: "backend", port: port))
        try sites.repo.commit("add \(name)")
    }

    deinit { daemon?.terminate() }
}

@Suite("skiff daemon", .serialized)
struct DaemonTests {
    @Test("a committed listener appears at once through the webhook, and within one interval by polling")
    func commitsReachTheRouter() throws {
        let site = try DaemonSite(interval: "2s")
        #expect(site.listeners() == ["backend"])
        try site.addListener("second", port: try FreePort.next())
        #expect(try site.hook() == "202")
        #expect(eventually(timeout: 1.5) { site.listeners() == ["backend", "second"] }, "applied at once on the webhook")
        // Logged once the apply returns, which may be a moment after the router has the listener.
        #expect(eventually(timeout: 5) {
            ((try? String(contentsOfFile: site.sites.state.path + "/daemon.log", encoding: .utf8)) ?? "")
                .contains("action=+ create Listener/second (added in git)")
        }, "each applied action is logged with its reason")
        try site.addListener("third", port: try FreePort.next())
        #expect(eventually(timeout: 5) { site.listeners() == ["backend", "second", "third"] }, "applied within an interval")
        try site.sites.repo.git("rm", "-q", "west/third.yaml")
        try site.sites.repo.commit("remove third")
        #expect(try site.hook() == "202")
        #expect(eventually(timeout: 3) { site.listeners() == ["backend", "second"] }, "pruned when it leaves git")
    }

    @Test("changing a listener's port closes the old port and opens the new one; a flow on another listener is untouched")
    func portChange() throws {
        let site = try DaemonSite()
        try site.sites.grantEastAccess()
        #expect(try site.sites.apply("east").status == 0)
        #expect(eventually { (try? site.sites.client("west").status())?.listeners.first?.hasMatchingConnector == true })
        let (old, new) = (try FreePort.next(), try FreePort.next())
        try site.addListener("second", port: old)
        _ = try site.hook()
        #expect(eventually { site.listeners() == ["backend", "second"] })
        let box = ResultBox()
        let done = DispatchGroup()
        done.enter()
        DispatchQueue(label: "bulk").async {
            let result = try? Command.check("python3", [TwoSitesPaths.root + "/Tests/Tools/flow_client.py", "bulk", "\(site.sites.listenerPort)", "200"])
            box.set(result.flatMap { try? JSONSerialization.jsonObject(with: Data($0.stdout.utf8)) as? [String: Any] })
            done.leave()
        }
        usleep(200_000)
        try site.addListener("second", port: new)
        _ = try site.hook()
        #expect(eventually { (try? site.sites.client("west").config())?.listeners.first { $0.name == "second" }?.port == new })
        let viaNew = try Command.check("python3", [TwoSitesPaths.root + "/Tests/Tools/flow_client.py", "halfclose", "\(new)"])
        #expect(viaNew.stdout.contains(#""intact": true"#))
        let viaOld = try Command.run("python3", ["-c", "import socket; socket.create_connection(('127.0.0.1', \(old)), timeout=2)"])
        #expect(viaOld.status != 0, "the old port is closed")
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(box.get()?["intact"] as? Bool == true, "the flow on backend was untouched")
    }

    @Test("a deleted certificate is reissued within one cycle")
    func deletedCertificate() throws {
        let site = try DaemonSite(interval: "1s")
        let key = site.sites.path("west") + "/pki/server/tls.key"
        try FileManager.default.removeItem(atPath: key)
        #expect(eventually(timeout: 5) { FileManager.default.fileExists(atPath: key) })
        let verify = try Command.run("openssl", ["verify", "-CAfile", site.sites.path("west") + "/pki/ca/ca.crt",
                                                 site.sites.path("west") + "/pki/server/tls.crt"])
        #expect(verify.status == 0)
    }

    @Test("skiff stop stops the daemon first, then the router, and neither comes back")
    func stop() throws {
        let site = try DaemonSite(interval: "1s")
        let stop = try site.sites.skiff(["stop", "--site", "west", "--state-dir", site.sites.path("west")])
        #expect(stop.stdout.contains("Stopped the daemon of site west."), "\(stop.stdout)")
        #expect(stop.stdout.contains("Stopped the router of site west."))
        #expect(eventually { !(site.daemon?.isRunning ?? false) })
        usleep(2_500_000)
        #expect((try? site.sites.client("west").status()) == nil, "the router stays stopped")
    }

    @Test("a webhook without the right signature is refused")
    func webhookSignature() throws {
        let site = try DaemonSite()
        #expect(try site.hook(signature: "sha256=00") == "401")
        #expect(try site.hook(signature: "") == "401")
        #expect(try site.hook() == "202")
        #expect(try site.get("/healthz").stdout == "ok\n")
    }

    @Test("GitLab's token and Gitea's signature start a cycle; a push to another branch does not; SIGHUP does")
    func forgesAndHangup() throws {
        let site = try DaemonSite()
        #expect(eventually { site.cycles() >= 1 })
        try site.addListener("second", port: try FreePort.next())
        #expect(try site.push("gitlab", ref: "refs/heads/main") { _ in ["X-Gitlab-Event: Push Hook", "X-Gitlab-Token: wrong"] } == "401")
        #expect(try site.push("gitlab", ref: "refs/heads/main") { _ in ["X-Gitlab-Event: Push Hook", "X-Gitlab-Token: s3cret-hook"] } == "202")
        #expect(eventually(timeout: 3) { site.listeners() == ["backend", "second"] }, "GitLab's push applied at once")

        try site.addListener("third", port: try FreePort.next())
        let before = site.cycles()
        #expect(try site.push("gitea", ref: "refs/heads/feature") { ["X-Gitea-Event: push", "X-Gitea-Signature: \($0)"] } == "200")
        #expect(try site.push("github", ref: "refs/heads/feature") { ["X-GitHub-Event: push", "X-Hub-Signature-256: sha256=\($0)"] } == "200")
        usleep(2_000_000)
        #expect(site.cycles() == before, "a push to another branch starts no cycle")
        #expect(site.listeners() == ["backend", "second"])
        #expect(try site.push("gitea", ref: "refs/heads/main") { ["X-Gitea-Event: push", "X-Gitea-Signature: \($0)"] } == "202")
        #expect(eventually(timeout: 3) { site.listeners() == ["backend", "second", "third"] }, "Gitea's push applied at once")

        try site.sites.repo.git("rm", "-q", "west/third.yaml")
        try site.sites.repo.commit("remove third")
        let pid = try #require(site.daemon?.process.processIdentifier)
        kill(pid, SIGHUP)
        #expect(eventually(timeout: 3) { site.listeners() == ["backend", "second"] }, "SIGHUP starts a cycle")
        #expect(site.daemon?.isRunning == true, "SIGHUP does not stop the daemon")
    }

    @Test("--log-format json: every line of the daemon's log and of the router it starts is one JSON object with the metadata")
    func jsonLogs() throws {
        let site = try DaemonSite(extra: ["--log-format", "json"])
        // The router `apply` started logs text; kill it, and the daemon starts one that logs JSON.
        let routerLog = site.sites.path("west") + "/router/router.log"
        let supervisor = RouterSupervisor(stateDirectory: StateDirectory(path: site.sites.path("west")))
        let pid = try #require(supervisor.pid)
        let textBytes = try #require(FileManager.default.attributesOfItem(atPath: routerLog)[.size] as? Int)
        kill(pid, SIGKILL)
        #expect(eventually { supervisor.livePID.map { $0 != pid } == true && (try? site.sites.client("west").status()) != nil })
        try site.addListener("second", port: try FreePort.next())
        #expect(try site.hook() == "202")
        #expect(eventually(timeout: 10) { site.listeners() == ["backend", "second"] })
        func objects(_ path: String, from offset: Int = 0) throws -> [[String: Any]] {
            try String(decoding: Data(contentsOf: URL(fileURLWithPath: path)).dropFirst(offset), as: UTF8.self).split(separator: "\n").map { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return try #require(object, "not a JSON object: \(line)")
            }
        }
        var daemon: [[String: Any]] = []
        #expect(eventually(timeout: 5) {
            daemon = (try? objects(site.sites.state.path + "/daemon.log")) ?? []
            return daemon.contains { ($0["message"] as? String)?.contains("create Listener/second") == true || ($0["action"] as? String)?.contains("Listener/second") == true }
        }, "the applied action is logged")
        for object in daemon {
            #expect(object["time"] is String && object["level"] is String && object["logger"] is String && object["message"] is String, "\(object)")
        }
        #expect(daemon.contains { $0["logger"] as? String == "skiff.daemon" && $0["site"] as? String == "west" }, "metadata are fields of their own")
        // The router the daemon started again logs in the daemon's format.
        let router = try objects(routerLog, from: textBytes)
        #expect(router.contains { $0["message"] as? String == "router running" && $0["site"] as? String == "west" })
    }

    @Test("a commit that does not validate is reported and never applied; the next good commit is")
    func badCommit() throws {
        let site = try DaemonSite()
        let good = try site.sites.repo.git("rev-parse", "HEAD")
        try site.sites.repo.write("west/broken.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata:\n  name: broken\nspec:\n  port: [\n")
        try site.sites.repo.commit("broken")
        _ = try site.hook()
        #expect(eventually { (try? site.daemonState())?["last_result"] as? String == "invalid" })
        let state = try site.daemonState()
        #expect((state["last_error"] as? String)?.contains("west/broken.yaml:7:1: invalid YAML") == true, "\(state)")
        #expect(state["good_commit"] as? String == good)
        // Not ready while the head is not what runs; the body and `skiff status` say why, with file:line.
        let head = try site.sites.repo.git("rev-parse", "HEAD")
        let ready = try Command.run("curl", ["-s", "--max-time", "5", "-w", "\n%{http_code}", "http://127.0.0.1:\(site.httpPort)/readyz"]).stdout
        #expect(ready.hasSuffix("\n503"), "\(ready)")
        #expect(ready.hasPrefix("not ready: commit \(head.prefix(12)) does not validate: west/broken.yaml:7:1: invalid YAML"), "\(ready)")
        #expect(ready.contains("; the site runs commit \(good.prefix(12))"), "\(ready)")
        let status = try site.sites.skiff(["status", "--site", "west", "--state-dir", site.sites.path("west")]).stdout
        #expect(status.contains("Daemon: running (pid "), "\(status)")
        #expect(status.contains("  Head commit \(head.prefix(12)), good commit \(good.prefix(12))"), "\(status)")
        #expect(status.contains("  Not Ready (InvalidCommit): commit \(head.prefix(12)) does not validate: west/broken.yaml:7:1: invalid YAML"), "\(status)")
        #expect(status.contains("  Stalled (InvalidCommit): waiting for a new commit"), "\(status)")
        #expect(status.contains("\n    west/broken.yaml:7:1: "), "every error line, indented: \(status)")
        #expect(try site.get("/metrics").stdout.contains("skiff_invalid_commits_total 1"))
        #expect(site.listeners() == ["backend"])
        // The console's GitOps view (served by the daemon at the same address) shows the same.
        #expect(try site.get("/").stdout.contains("<title>Skiff console</title>"))
        #expect(eventually(timeout: 8) {
            guard let west = site.gitops("west") else { return false }
            return west["lastResult"] as? String == "invalid" && west["invalidCommit"] as? String == head && west["appliedCommit"] as? String == good
                && west["headCommit"] as? String == head && (west["errors"] as? [String])?.first?.hasPrefix("west/broken.yaml:7:1: invalid YAML") == true
                && (west["history"] as? [[String: Any]])?.first?["result"] as? String == "invalid"
        }, "\(String(describing: site.gitops("west")))")
        try site.sites.repo.git("rm", "-q", "west/broken.yaml")
        try site.addListener("fixed", port: try FreePort.next())
        _ = try site.hook()
        #expect(eventually { site.listeners() == ["backend", "fixed"] })
        #expect(eventually {
            guard let state = try? site.daemonState() else { return false }
            return state["last_error"] == nil && state["last_result"] as? String == "applied"
        }, "the error clears once a good commit is applied")
        #expect(eventually { (try? site.get("/readyz"))?.stdout.hasPrefix("ready: commit ") == true })
        #expect(eventually(timeout: 8) {
            let history = site.gitops("west")?["history"] as? [[String: Any]] ?? []
            return history.first?["result"] as? String == "applied" && (history.first?["changes"] as? Int ?? 0) >= 1
                && history.contains { $0["result"] as? String == "invalid" }
        }, "\(String(describing: site.gitops("west")))")
    }

    @Test("a router that dies is started again at once, not at the next interval; how it ended is in the log and status; no zombie is left")
    func routerDies() throws {
        let site = try DaemonSite(interval: "30s")
        let supervisor = RouterSupervisor(stateDirectory: StateDirectory(path: site.sites.path("west")))
        #expect(eventually { supervisor.livePID != nil && (try? site.sites.client("west").status()) != nil })
        let pid = try #require(supervisor.pid)
        let killed = Date()
        kill(pid, SIGKILL)
        #expect(eventually(timeout: 5) { supervisor.livePID.map { $0 != pid } == true && (try? site.sites.client("west").status()) != nil },
                "started again well within the 30 s interval")
        print("router back \(Date().timeIntervalSince(killed)) s after kill -9")
        let log = { (try? String(contentsOfFile: site.sites.state.path + "/daemon.log", encoding: .utf8)) ?? "" }
        #expect(eventually { log().contains("router exited; starting it again") && log().contains("exit=killed by signal 9 (SIGKILL)") }, "\(log())")
        #expect(eventually {
            ((try? site.sites.skiff(["status", "--site", "west", "--state-dir", site.sites.path("west")]).stdout) ?? "")
                .contains("Router last ended: pid \(pid) killed by signal 9 (SIGKILL) at ")
        })
        let daemonPID = try #require(site.daemon?.process.processIdentifier)
        let children = try Command.run("ps", ["-o", "pid=,stat=", "--ppid", "\(daemonPID)"]).stdout
        #expect(!children.split(separator: "\n").contains { $0.split(separator: " ").last?.hasPrefix("Z") == true }, "no zombie: \(children)")
    }

    @Test("drift is corrected within one cycle: a listener removed by hand, a killed router")
    func drift() throws {
        let site = try DaemonSite(interval: "1s")
        var config = try site.sites.client("west").config()
        config.listeners = []
        try site.sites.client("west").put(config)
        #expect(eventually(timeout: 4) { site.listeners() == ["backend"] })
        let pid = try #require(RouterSupervisor(stateDirectory: StateDirectory(path: site.sites.path("west"))).pid)
        kill(pid, SIGKILL)
        #expect(eventually(timeout: 6) { (try? site.sites.client("west").status()) != nil && RouterSupervisor(stateDirectory: StateDirectory(path: site.sites.path("west"))).pid != pid })
        #expect(try site.get("/metrics").stdout.contains("skiff_drift_corrections_total"))
    }

    @Test("kill -9 the daemon during a bulk flow: the flow completes intact, and a restarted daemon reapplies nothing")
    func restartDropsNoFlow() throws {
        let site = try DaemonSite()
        try site.sites.grantEastAccess()
        #expect(try site.sites.apply("east").status == 0)
        #expect(eventually { (try? site.sites.client("west").status())?.listeners.first?.hasMatchingConnector == true })
        let queue = DispatchQueue(label: "bulk")
        let box = ResultBox()
        let done = DispatchGroup()
        done.enter()
        queue.async {
            let result = try? Command.check("python3", [TwoSitesPaths.root + "/Tests/Tools/flow_client.py", "bulk", "\(site.sites.listenerPort)", "300"])
            box.set(result.flatMap { try? JSONSerialization.jsonObject(with: Data($0.stdout.utf8)) as? [String: Any] })
            done.leave()
        }
        usleep(300_000)
        site.daemon?.kill()
        try site.start()
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(box.get()?["intact"] as? Bool == true, "\(String(describing: box.get()))")
        let metrics = try site.get("/metrics").stdout
        #expect(metrics.contains(#"skiff_reconcile_total{result="unchanged"} 1"#), "nothing reapplied: \(metrics)")
        #expect(metrics.contains(#"skiff_link_up{link="incoming",peer="east"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"skiff_listener_flows{listener="backend",routing_key="backend"} 1"#), "\(metrics)")
        #expect(metrics.contains("skiff_router_up 1"))
        // The router's memory, as the allocator and the kernel count it: a live router holds some of both.
        let figure = { (name: String) in
            metrics.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        }
        #expect(figure("skiff_router_resident_bytes") > 1_000_000, "\(metrics)")
        if !underSanitizer {
            #expect(figure("skiff_router_heap_in_use_bytes") > 100_000, "\(metrics)")
            #expect(figure("skiff_router_resident_bytes") > figure("skiff_router_heap_in_use_bytes"), "\(metrics)")
        } else {
            // A sanitizer's allocator stands in for glibc's and may not tell: no figure rather than a zero.
            #expect(!metrics.contains("skiff_router_heap_in_use_bytes") || figure("skiff_router_heap_in_use_bytes") > 0, "\(metrics)")
        }
    }
}

@Suite("one site's mistake is not another site's outage", .serialized)
struct SiteIsolationTests {
    @Test("a broken file in west/ stops west only: east's daemon applies east's change and restarts east's router; west says why")
    func brokenFolderElsewhere() throws {
        let sites = try GrantedSites()
        try sites.startDaemon("west")
        try sites.startDaemon("east")
        #expect(eventually(timeout: 15) { (try? sites.client("west").status()) != nil && (try? sites.client("east").status()) != nil })

        let extra = try FreePort.next()
        try sites.repo.write("west/broken.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata:\n  name: broken\nspec:\n  port: [\n")
        try sites.repo.write("east/extra.yaml", Fixtures.listener("extra", routingKey: "backend", port: extra))
        try sites.repo.commit("west: a broken file; east: a new listener")
        #expect(eventually(timeout: 10) { (try? sites.client("east").config().listeners.map(\.name))?.contains("extra") == true },
                "east applied its own change")
        let plan = try sites.skiff(["plan", "--site", "east", "--state-dir", sites.path("east")])
        #expect(plan.stdout.contains("(1 error in other sites' folders: they block those sites, not east)"), "\(plan.stdout)")
        #expect(!plan.stdout.contains("Cannot apply"), "\(plan.stdout)")

        // West keeps its last good commit and says why, with file:line.
        #expect(eventually(timeout: 10) { ((try? sites.status("west")) ?? "").contains("Not Ready (InvalidCommit)") })
        #expect(try sites.status("west").contains("    west/broken.yaml:7:1: "))
        #expect((try? sites.client("west").status()) != nil, "west's router runs on")

        // East's router dies: east's daemon starts it again although west is broken.
        let supervisor = RouterSupervisor(stateDirectory: StateDirectory(path: sites.path("east")))
        let pid = try #require(supervisor.pid)
        kill(pid, SIGKILL)
        #expect(eventually(timeout: 10) { supervisor.pid != pid && (try? sites.client("east").status()) != nil }, "east's router is back")
        #expect(try sites.status("east").contains("Listener/extra: "))
    }
}
