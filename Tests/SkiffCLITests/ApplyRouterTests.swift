import Foundation
import SkiffPKI
import SkiffPlan
import SkiffReconcile
import SkiffRouterAPI
import SkiffSupport
import SkiffTestSupport
import Testing

/// Two sites driven from a git repository by `skiff apply`, with real router processes that apply
/// starts detached. Routers are stopped when the test ends, pass or fail.
final class AppliedSites: @unchecked Sendable {
    let repo: GitFixture
    let state = try! TemporaryDirectory("skiff-sites")
    let accessPort: Int, listenerPort: Int, echoPort: Int
    let echo: BackgroundProcess

    init() throws {
        repo = try GitFixture()
        accessPort = try FreePort.next()
        listenerPort = try FreePort.next()
        echo = try BackgroundProcess("/usr/bin/env", ["python3", TwoSitesPaths.root + "/Tests/Tools/echo_server.py"])
        guard let line = echo.firstLine(), let port = Int(line) else { throw CocoaError(.fileNoSuchFile) }
        echoPort = port
        try repo.write("west/site.yaml", Fixtures.file(Fixtures.site("west", linkAccess: "default"),
                                                       Fixtures.routerAccess(host: "127.0.0.1", port: accessPort),
                                                       Fixtures.listener("backend", port: listenerPort)))
        try repo.write("east/site.yaml", Fixtures.file(Fixtures.site("east"), Fixtures.link("to-west", port: accessPort),
                                                       Fixtures.connector("backend", port: echoPort)))
        try repo.commit("two sites")
    }

    func path(_ site: String) -> String { state.path + "/" + site }

    /// East's link credentials, issued by west's CA (what redeeming a token will do).
    func grantEastAccess() throws {
        let west = SitePKI(stateDirectory: path("west"))
        let credential = try west.issueClientCertificate(link: "to-west", site: "west", to: "east")
        try PEMFiles.writeCredential(credential, ca: try west.loadCA().certificate, to: SitePKI(stateDirectory: path("east")).linkFolder("to-west"))
    }

    func skiff(_ arguments: [String]) throws -> CommandResult {
        try SkiffBinary.run(arguments, in: repo.path)
    }

    func apply(_ site: String) throws -> CommandResult {
        try skiff(["apply", "--site", site, "--state-dir", path(site)])
    }

    func client(_ site: String) -> ManagementClient {
        ManagementClient(socketPath: RouterProcess.socketPath(path(site)))
    }

    func flow() throws -> [String: Any] {
        let result = try Command.check("python3", [TwoSitesPaths.root + "/Tests/Tools/flow_client.py", "halfclose", "\(listenerPort)"])
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    deinit {
        for site in ["west", "east"] { RouterSupervisor(stateDirectory: StateDirectory(path: path(site))).stop(timeout: 5) }
    }
}

enum TwoSitesPaths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

@Suite("skiff apply drives real routers", .serialized)
struct ApplyRouterTests {
    @Test("two sites from git: apply starts both routers, traffic flows, a second apply touches nothing")
    func endToEnd() throws {
        let sites = try AppliedSites()
        let west = try sites.apply("west")
        #expect(west.status == 0, "\(west.stdout)\(west.stderr)")
        #expect(west.stdout.contains("  + create Router/west (not running): done"))
        try sites.grantEastAccess()
        let east = try sites.apply("east")
        #expect(east.status == 0, "\(east.stdout)\(east.stderr)")
        #expect(eventually { (try? sites.client("west").status())?.listeners.first?.hasMatchingConnector == true })
        #expect(try sites.flow()["intact"] as? Bool == true)

        let again = try sites.apply("west")
        #expect(again.stdout.contains("No changes. Site west matches the desired state."))
        #expect(!again.stdout.contains(": done"))
        let status = try sites.skiff(["status", "--site", "east", "--state-dir", sites.path("east"), "--output", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let resources = try #require(object["resources"] as? [[String: Any]])
        #expect(resources.first { $0["kind"] as? String == "Link" }?["status"] as? String == "Ready")
        #expect(resources.first { $0["kind"] as? String == "Connector" }?["status"] as? String == "Ready")
        #expect(object["router_running"] as? Bool == true)
    }

    @Test("drift: a listener removed through the management API and a killed router are both repaired by apply")
    func drift() throws {
        let sites = try AppliedSites()
        #expect(try sites.apply("west").status == 0)
        var config = try sites.client("west").config()
        config.listeners = []
        try sites.client("west").put(config)
        let plan = try sites.skiff(["plan", "--site", "west", "--state-dir", sites.path("west"), "--detailed-exitcode"])
        #expect(plan.status == 2)
        #expect(plan.stdout.contains("  ~ update Router/west (drift: listener backend missing)"), "\(plan.stdout)")
        #expect(try sites.apply("west").status == 0)
        #expect(try sites.client("west").config().listeners.map(\.name) == ["backend"])

        let pid = try #require(RouterSupervisor(stateDirectory: StateDirectory(path: sites.path("west"))).pid)
        kill(pid, SIGKILL)
        #expect(eventually { kill(pid, 0) != 0 })
        let dead = try sites.skiff(["plan", "--site", "west", "--state-dir", sites.path("west")])
        #expect(dead.stdout.contains("  + create Router/west (not running)"))
        #expect(try sites.apply("west").status == 0)
        #expect((try? sites.client("west").status()) != nil)
    }

    @Test("a port held by another process: apply exits 1 naming the listener and the address, status shows the Error, the router runs on")
    func portInUse() throws {
        let sites = try AppliedSites()
        let holder = try BackgroundProcess("/usr/bin/env", ["python3", TwoSitesPaths.root + "/Tests/Tools/echo_server.py", "\(sites.listenerPort)"])
        _ = holder.firstLine()
        let apply = try sites.apply("west")
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("Error: Listener/backend: cannot bind 127.0.0.1:\(sites.listenerPort): address already in use (another process holds it)\n"),
                "\(apply.stderr)")
        let status = try sites.skiff(["status", "--site", "west", "--state-dir", sites.path("west")])
        #expect(status.stdout.contains("Listener/backend: Error — cannot bind 127.0.0.1:\(sites.listenerPort): address already in use (another process holds it)"),
                "\(status.stdout)")
        #expect((try? sites.client("west").status()) != nil, "the router keeps running")
        // Plan names what is not bound as an action to take, never "No changes".
        let plan = try sites.skiff(["plan", "--site", "west", "--state-dir", sites.path("west")])
        #expect(plan.stdout.contains("~ update Router/west (drift: listener backend not bound: cannot bind 127.0.0.1:\(sites.listenerPort): address already in use (another process holds it))"),
                "\(plan.stdout)")
        // Once the port is let go, the next apply binds it at once (pushing the configuration
        // retries it), unless the router's own retry got there first.
        holder.kill()
        let again = try sites.apply("west")
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try sites.client("west").status().listeners.first?.bound == true)
        let after = try sites.skiff(["plan", "--site", "west", "--state-dir", sites.path("west")])
        #expect(!after.stdout.contains("Router/west"), "\(after.stdout)")
    }

    @Test("a MultiKeyListener from git (Skupper's priority strategy): apply configures it, status names the reachable keys, a commit that drops the first key's connector fails over")
    func multiKeyListener() throws {
        let sites = try AppliedSites()
        let second = try BackgroundProcess("/usr/bin/env", ["python3", TwoSitesPaths.root + "/Tests/Tools/echo_server.py"])
        defer { second.kill() }
        let secondPort = try #require(second.firstLine().flatMap { Int($0) })
        let port = try FreePort.next()
        let listener = """
            apiVersion: skupper.io/v2alpha1
            kind: MultiKeyListener
            metadata:
              name: backend-priority
            spec:
              host: 127.0.0.1
              port: \(port)
              strategy:
                priority:
                  routingKeys:
                    - backend-primary
                    - backend-secondary
            """
        try sites.repo.write("west/multikey.yaml", Fixtures.file(listener, Fixtures.connector("backend-primary", port: sites.echoPort),
                                                                 Fixtures.connector("backend-secondary", port: secondPort)))
        try sites.repo.commit("west: a priority listener")
        let plan = try sites.skiff(["plan", "--site", "west", "--state-dir", sites.path("west")])
        #expect(plan.stdout.contains("+ create MultiKeyListener/backend-priority (added in git)"), "\(plan.stdout)")
        #expect(try sites.apply("west").status == 0)
        let status = { try sites.skiff(["status", "--site", "west", "--state-dir", sites.path("west")]).stdout }
        #expect(try eventually { try status().contains("MultiKeyListener/backend-priority: Ready — listening on 127.0.0.1:\(port), routing keys reachable: backend-primary, backend-secondary") },
                "\((try? status()) ?? "")")
        let flows = { (name: String) in (try? sites.client("west").status().connectors.first { $0.name == name }?.totalFlows) ?? -1 }
        let flow = { try Command.check("python3", [TwoSitesPaths.root + "/Tests/Tools/flow_client.py", "halfclose", "\(port)"]).stdout }
        #expect(try flow().contains("\"intact\": true"))
        #expect(flows("backend-primary") == 1 && flows("backend-secondary") == 0)

        try sites.repo.write("west/multikey.yaml", Fixtures.file(listener, Fixtures.connector("backend-secondary", port: secondPort)))
        try sites.repo.commit("west: the primary backend is gone")
        #expect(try sites.apply("west").status == 0)
        #expect(try eventually { try status().contains("routing keys reachable: backend-secondary,") }, "\((try? status()) ?? "")")
        #expect(try flow().contains("\"intact\": true"))
        #expect(flows("backend-secondary") == 1, "failed over to the second key")
    }

    @Test("status tells the truth about connectors before any flow: a refused backend and a host that does not resolve are Errors, in words")
    func connectorTruth() throws {
        let sites = try AppliedSites()
        let closed = try FreePort.next()
        try sites.repo.write("west/connectors.yaml", Fixtures.file(Fixtures.connector("refused", port: closed),
                                                                   Fixtures.connector("nowhere", host: "no-such-host.invalid", port: 80),
                                                                   Fixtures.connector("echo", port: sites.echoPort)))
        try sites.repo.commit("west: three connectors")
        #expect(try sites.apply("west").status == 0)
        let status = { try sites.skiff(["status", "--site", "west", "--state-dir", sites.path("west")]).stdout }
        #expect(try eventually { try status().contains("Connector/refused: Error — cannot connect to 127.0.0.1:\(closed): connection refused (nothing listens there)") },
                "\((try? status()) ?? "")")
        #expect(try eventually { try status().contains("Connector/nowhere: Error — cannot connect to no-such-host.invalid:80: the host does not resolve") },
                "\((try? status()) ?? "")")
        #expect(try status().contains("Connector/echo: Ready — 127.0.0.1:\(sites.echoPort), 0 open flows"))
        // The JSON says the same, for scripts.
        let json = try sites.skiff(["status", "--site", "west", "--state-dir", sites.path("west"), "--output", "json"]).stdout
        let resources = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])["resources"] as? [[String: Any]]
        #expect(resources?.first { $0["name"] as? String == "refused" }?["status"] as? String == "Error")
    }

    @Test("stop keeps the state; the next apply brings the site back with the same CA; --purge deletes it")
    func stopAndPurge() throws {
        let sites = try AppliedSites()
        #expect(try sites.apply("west").status == 0)
        let serial = SitePKI(stateDirectory: sites.path("west")).inspectCA().serial
        let stop = try sites.skiff(["stop", "--site", "west", "--state-dir", sites.path("west")])
        #expect(stop.stdout.contains("Stopped the router of site west."))
        #expect((try? sites.client("west").status()) == nil)
        #expect(try sites.apply("west").status == 0)
        #expect(SitePKI(stateDirectory: sites.path("west")).inspectCA().serial == serial)
        let purge = try sites.skiff(["stop", "--site", "west", "--state-dir", sites.path("west"), "--purge"])
        #expect(purge.stdout.contains("Deleted \(sites.path("west"))"))
        #expect(!FileManager.default.fileExists(atPath: sites.path("west")))
    }

    @Test("a router that runs but does not answer (SIGSTOP) is never replaced: apply exits 1 saying why; a second router refuses to start")
    func hungRouterNotReplaced() throws {
        let sites = try AppliedSites()
        #expect(try sites.apply("west").status == 0)
        let supervisor = RouterSupervisor(stateDirectory: StateDirectory(path: sites.path("west")))
        let pid = try #require(supervisor.pid)
        kill(pid, SIGSTOP)
        defer { kill(pid, SIGCONT) }
        let apply = try sites.apply("west")
        #expect(apply.status == 1)
        #expect(apply.stdout.contains("router/router.sock: the router (pid \(pid)) runs but does not answer"), "\(apply.stdout)")
        #expect(apply.stdout.contains("Cannot apply: 1 error"))
        #expect(!apply.stdout.contains("create Router/west"), "no second router is planned")
        #expect(supervisor.pid == pid && FileManager.default.fileExists(atPath: RouterProcess.socketPath(sites.path("west"))))

        let second = try sites.skiff(["router", "--site", "west", "--state-dir", sites.path("west")])
        #expect(second.status == 1)
        #expect(second.stderr.contains("a router for this site is already running (pid \(pid))"), "\(second.stderr)")
        #expect(FileManager.default.fileExists(atPath: RouterProcess.socketPath(sites.path("west"))), "the first router's socket is untouched")
        kill(pid, SIGCONT)
        #expect(eventually { (try? sites.client("west").status()) != nil }, "the first router answers again")
        #expect(try sites.apply("west").stdout.contains("No changes."))
    }
}
