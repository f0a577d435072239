import Foundation
import SkiffPlan
import SkiffReconcile
import SkiffRouterAPI
import SkiffSupport
import SkiffTestSupport
import Testing

/// `Examples/ha` as bundled (free ports in place of its own), run the way its README says: hub's
/// daemon serves the grants, a token per site named after its Link, daemons at front and back.
/// Daemons and routers are stopped at the end, pass or fail.
final class HASites: @unchecked Sendable {
    static let sites = ["hub", "front", "back"]
    let repo = try! GitFixture()
    let state = try! TemporaryDirectory("skiff-ha")
    let listenerPort: Int
    let hubEcho: BackgroundProcess, backEcho: BackgroundProcess
    var daemons: [String: BackgroundProcess] = [:]

    init() throws {
        listenerPort = try FreePort.next()
        let (accessPort, grantPort) = (try FreePort.next(), try FreePort.next())
        hubEcho = try BackgroundProcess("/usr/bin/env", ["python3", TwoSitesPaths.root + "/Tests/Tools/echo_server.py"])
        backEcho = try BackgroundProcess("/usr/bin/env", ["python3", TwoSitesPaths.root + "/Tests/Tools/echo_server.py"])
        guard let hubPort = hubEcho.firstLine(), let backPort = backEcho.firstLine() else { throw CocoaError(.fileNoSuchFile) }
        for site in Self.sites {
            let folder = TwoSitesPaths.root + "/Examples/ha/" + site
            for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".yaml") {
                let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
                    .replacingOccurrences(of: "8081", with: "\(listenerPort)").replacingOccurrences(of: "9091", with: hubPort)
                    .replacingOccurrences(of: "9092", with: backPort).replacingOccurrences(of: "55681", with: "\(accessPort)")
                    .replacingOccurrences(of: "8444", with: "\(grantPort)")
                try repo.write("\(site)/\(file)", text)
            }
        }
        try repo.commit("ha, as bundled")
    }

    func path(_ site: String) -> String { state.path + "/" + site }

    func skiff(_ arguments: [String]) throws -> CommandResult { try SkiffBinary.run(arguments, in: repo.path) }

    func startDaemon(_ site: String) throws {
        daemons[site] = try SkiffBinary.daemon(site: site, repo: repo.path, stateDirectory: path(site), httpPort: try FreePort.next(),
                                               logPath: state.path + "/\(site)-daemon.log")
    }

    func status(_ site: String) -> RouterStatus? {
        try? ManagementClient(socketPath: RouterProcess.socketPath(path(site))).status()
    }

    func flows(_ count: Int) throws -> [String: Any] {
        let result = try Command.check("python3", [TwoSitesPaths.root + "/Tests/Tools/flow_client.py", "many", "\(listenerPort)", "\(count)", "1000"])
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    func connectorFlows(_ site: String) -> Int { status(site)?.connectors.first?.totalFlows ?? -1 }

    deinit {
        for daemon in daemons.values { daemon.terminate() }
        for site in Self.sites { RouterSupervisor(stateDirectory: StateDirectory(path: path(site))).stop(timeout: 5) }
    }
}

@Suite("the bundled examples carry traffic", .serialized)
struct ExampleTests {
    /// The systemd unit (`DynamicUser`) and the container (uid 10001) never run skiff as root: once,
    /// every link dial there failed ("permission denied", a root-only socket option), while every
    /// test ran as root. As root, the demo runs as nobody, with nothing of root's around it.
    @Test("make demo's script, run as an unprivileged user: validate, plan, two daemons, a token, traffic through the link, status")
    func demoUnprivileged() throws {
        let home = try TemporaryDirectory("skiff-demo-home")
        try Unprivileged.handOver(home.path)
        // Nothing of root's environment but what `make sanitize` sets for every process it runs.
        let sanitizers = ["ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "SKIFF_TEST_SLOWDOWN"].compactMap { name in
            ProcessInfo.processInfo.environment[name].map { "\(name)=\($0)" }
        }
        let demo = ["env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=\(home.path)", "TMPDIR=/tmp"] + sanitizers
            + ["bash", TwoSitesPaths.root + "/scripts/demo.sh", SkiffBinary.path]
        // A test's child inherits the test thread's blocked signals; the demo stops its backend
        // with SIGTERM, as from a shell, so it starts with none blocked.
        let unblocked = ["-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execvp(sys.argv[1], sys.argv[1:])"]
        let result = try Command.run("/usr/bin/python3", unblocked + Unprivileged.command(demo), timeout: 180)
        #expect(result.status == 0, "\(result.stdout.suffix(3000))\(result.stderr.suffix(2000))")
        #expect(result.stdout.contains("hello from east, you said: hi from west"), "the hello crossed the link to east's backend and came back")
        #expect(result.stdout.contains("backend: reachable"))
    }

    @Test("Examples/ha as its README says: grants at hub, a token per site named after its Link, three daemons; anycast, then multi-hop when hub's backend stops")
    func ha() throws {
        let sites = try HASites()
        try sites.startDaemon("hub")
        #expect(eventually(timeout: 15) { sites.status("hub")?.grantServer?.grants.filter { $0.state == .open }.count == 2 },
                "hub's router serves both grants")
        for (site, grant) in [("front", "front-link"), ("back", "back-link")] {
            let issued = try sites.skiff(["token", "issue", grant, "--site", "hub", "--state-dir", sites.path("hub"), "--name", "to-hub"])
            #expect(issued.status == 0, "\(issued.stderr)")
            try sites.repo.write("\(site)/token.yaml", issued.stdout)
        }
        try sites.repo.commit("tokens for hub")
        try sites.startDaemon("front")
        try sites.startDaemon("back")
        for site in ["front", "back"] {
            #expect(eventually(timeout: 20) { sites.status(site)?.links.first { $0.name == "to-hub" }?.state == .up }, "\(site) linked to hub")
        }
        #expect(eventually(timeout: 15) { sites.status("front")?.routing?.services["api"]?.sorted() == ["back", "hub"] },
                "front sees both connectors for api")

        let first = try sites.flows(40)
        #expect(first["completed"] as? Int == 40, "\(first)")
        let (atHub, atBack) = (sites.connectorFlows("hub"), sites.connectorFlows("back"))
        #expect(atHub + atBack == 40, "every flow reached one of the two connectors: hub \(atHub), back \(atBack)")

        // hub's backend stops: every new flow travels front → hub → back.
        sites.hubEcho.kill()
        _ = try? sites.flows(5)
        #expect(eventually(timeout: 10) { sites.status("front")?.routing?.services["api"] == ["back"] }, "hub withdrew the key")
        let second = try sites.flows(20)
        #expect(second["completed"] as? Int == 20, "\(second)")
        #expect(sites.connectorFlows("back") >= atBack + 20, "the flows crossed two links to back")
        let front = try sites.skiff(["status", "--site", "front", "--state-dir", sites.path("front")]).stdout
        #expect(front.contains("AccessToken/to-hub: Ready") && front.contains("Link/to-hub: Ready"), "\(front)")
    }
}
