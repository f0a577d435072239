import Foundation
import SkiffAccess
import SkiffPlan
import SkiffReconcile
import SkiffRouterAPI
import SkiffSupport
import SkiffTestSupport
import Testing

/// Two sites that link the way a user links them: a grant at west, a token issued there, the token
/// committed into east's folder, redeemed by east's reconciler. Routers and daemons are stopped at
/// the end, pass or fail.
final class GrantedSites: @unchecked Sendable {
    let repo: GitFixture
    let state = try! TemporaryDirectory("skiff-token-sites")
    let accessPort: Int, listenerPort: Int, grantPort: Int, echoPort: Int
    let echo: BackgroundProcess
    var daemons: [String: BackgroundProcess] = [:]
    var httpPorts: [String: Int] = [:]

    /// With `example`, the sites are the bundled Examples/hello-world, with free ports in place of
    /// its own; with `scaffolded`, the README's quick start writes them (skiff's create verbs).
    /// `loopback` is where the scaffolded west binds and is dialled (`::1` for IPv6).
    init(redemptionsAllowed: Int = 1, expirationWindow: String = "15m", example: Bool = false, scaffolded: Bool = false,
         loopback: String = "127.0.0.1") throws {
        repo = try GitFixture()
        accessPort = try FreePort.next()
        listenerPort = try FreePort.next()
        grantPort = try FreePort.next()
        echo = try BackgroundProcess("/usr/bin/env", ["python3", TwoSitesPaths.root + "/Tests/Tools/echo_server.py"])
        guard let line = echo.firstLine(), let port = Int(line) else { throw CocoaError(.fileNoSuchFile) }
        echoPort = port
        if example {
            let edgePort = try FreePort.next()
            for site in ["west", "east"] {
                let folder = TwoSitesPaths.root + "/Examples/hello-world/" + site
                for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".yaml") {
                    let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
                        .replacingOccurrences(of: "8080", with: "\(listenerPort)").replacingOccurrences(of: "9090", with: "\(echoPort)")
                        .replacingOccurrences(of: "55671", with: "\(accessPort)").replacingOccurrences(of: "45671", with: "\(edgePort)")
                        .replacingOccurrences(of: "8443", with: "\(grantPort)")
                    try repo.write("\(site)/\(file)", text)
                }
            }
            try repo.commit("hello-world, as bundled")
            return
        }
        if scaffolded {
            try scaffoldQuickStart(loopback: loopback)
            return
        }
        try repo.write("west/site.yaml", Fixtures.file(
            Fixtures.site("west", linkAccess: "default", settings: ["grant-server": "127.0.0.1:\(grantPort)"]),
            Fixtures.routerAccess(host: "127.0.0.1", port: accessPort),
            Fixtures.grant("east-link", redemptionsAllowed: redemptionsAllowed, expirationWindow: expirationWindow),
            Fixtures.listener("backend", port: listenerPort)))
        try repo.write("east/site.yaml", Fixtures.file(Fixtures.site("east"), Fixtures.connector("backend", port: echoPort)))
        try repo.commit("two sites, a grant at west")
    }

    /// The README's quick start, with free ports in place of its own: every file written and
    /// committed by skiff's create verbs (the RouterAccess's fixed ports are the one edit by hand).
    private func scaffoldQuickStart(loopback: String) throws {
        try repo.git("config", "user.name", "Ada Tester")
        try repo.git("config", "user.email", "ada@example.com")
        try scaffold([
            ["site", "create", "west", "--enable-link-access", "--bind-host", loopback, "--subject-alternative-names", loopback,
             "--setting", "grant-server=\(HostPort.format(loopback, grantPort))"],
            ["listener", "create", "backend", "\(listenerPort)", "--site", "west", "--host", loopback],
            ["grant", "create", "east-link", "--site", "west"],
            ["site", "create", "east"],
            ["connector", "create", "backend", "\(echoPort)", "--site", "east", "-m", "east: the backend runs here"],
        ])
        let access = "west/router-access-skupper-router.yaml"
        let text = try String(contentsOfFile: repo.path + "/" + access, encoding: .utf8)
        try repo.write(access, text.replacingOccurrences(of: "55671", with: "\(accessPort)").replacingOccurrences(of: "45671", with: "\(try FreePort.next())"))
        try repo.commit("free ports")
    }

    /// Runs skiff's create verbs, each with --commit.
    func scaffold(_ steps: [[String]]) throws {
        for step in steps {
            let result = try SkiffBinary.run(step + ["--commit"], in: repo.path, environment: ["HOME": repo.path, "GIT_CONFIG_NOSYSTEM": "1"])
            guard result.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(step): \(result.stderr)"]) }
        }
    }

    func path(_ site: String) -> String { state.path + "/" + site }

    func skiff(_ arguments: [String]) throws -> CommandResult { try SkiffBinary.run(arguments, in: repo.path) }

    func apply(_ site: String) throws -> CommandResult { try skiff(["apply", "--site", site, "--state-dir", path(site)]) }

    func status(_ site: String) throws -> String { try skiff(["status", "--site", site, "--state-dir", path(site)]).stdout }

    /// `skiff token issue` at west, written (after `transform`) into east's folder and committed; returns the token as issued.
    @discardableResult
    func commitToken(transform: (String) -> String = { $0 }) throws -> String {
        let issued = try skiff(["token", "issue", "east-link", "--site", "west", "--state-dir", path("west"), "--name", "to-west"])
        guard issued.status == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: issued.stderr]) }
        try repo.write("east/token.yaml", transform(issued.stdout))
        try repo.commit("east: token for west")
        return issued.stdout
    }

    func startDaemon(_ site: String) throws {
        let port = try FreePort.next()
        httpPorts[site] = port
        daemons[site] = try SkiffBinary.daemon(site: site, repo: repo.path, stateDirectory: path(site), httpPort: port,
                                               logPath: state.path + "/\(site)-daemon.log")
    }

    func client(_ site: String) -> ManagementClient { ManagementClient(socketPath: RouterProcess.socketPath(path(site))) }

    func linkUp(_ site: String, _ link: String) -> Bool {
        (try? client(site).status().links.contains { $0.name == link && $0.state == .up }) ?? false
    }

    /// One half-closed flow through the listener at `host:port` (default: west's backend listener).
    func flow(host: String = "127.0.0.1", port: Int? = nil) throws -> [String: Any] {
        let result = try Command.check("python3", [TwoSitesPaths.root + "/Tests/Tools/flow_client.py", "halfclose", "\(port ?? listenerPort)"],
                                       environment: ["FLOW_HOST": host])
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    /// West applied, a token committed to east, east applied and linked to west: where the
    /// revoke-access tests start.
    func linkEastToWest() throws {
        #expect(try apply("west").status == 0)
        try commitToken()
        #expect(try apply("east").status == 0)
        #expect(eventually(timeout: 10) { self.linkUp("east", "to-west") })
    }

    func grant() throws -> GrantRecord? { try GrantBook.load(stateDirectory: path("west")).grants["east-link"] }

    deinit {
        for daemon in daemons.values { daemon.terminate() }
        for site in ["west", "east", "north"] { RouterSupervisor(stateDirectory: StateDirectory(path: path(site))).stop(timeout: 5) }
    }
}

@Suite("access grants and tokens", .serialized)
struct TokenTests {
    @Test("the four steps: grant at west, token issued, committed to east, redeemed by east's daemon; traffic flows")
    func fourSteps() throws {
        let sites = try GrantedSites()
        // 1. West runs (a daemon, which starts its router; the router serves the grant).
        try sites.startDaemon("west")
        #expect(eventually(timeout: 15) { (try? sites.grant()) != nil }, "west's router armed the grant")
        // 2. Issue the token; 3. commit it into east's folder.
        let token = try sites.commitToken { $0.replacingOccurrences(of: "  url: ", with: "  linkCost: 7\n  url: ") }
        #expect(token.contains("kind: AccessToken") && token.contains("url: https://127.0.0.1:\(sites.grantPort)/grants/east-link"))
        let expiry = try #require(try sites.grant()).expiresAt

        // The granting daemon and its router restart between issue and redemption: count and expiry are kept.
        sites.daemons["west"]?.terminate()
        #expect(try sites.skiff(["stop", "--site", "west", "--state-dir", sites.path("west")]).status == 0)
        try sites.startDaemon("west")
        #expect(eventually(timeout: 15) { (try? sites.client("west").status().grantServer?.grants.first?.state) == .open })
        #expect(try sites.grant()?.expiresAt == expiry)
        #expect(try sites.grant()?.redemptions == 0)

        // 4. East's daemon redeems the token once and dials the link it yields.
        try sites.startDaemon("east")
        #expect(eventually(timeout: 20) { sites.linkUp("east", "to-west") }, "east linked to west with redeemed credentials")
        #expect(try sites.client("east").config().links.first { $0.name == "to-west" }?.cost == 7, "the token's linkCost")
        #expect(eventually(timeout: 10) { ((try? sites.flow())?["intact"] as? Bool) == true }, "traffic from west's listener reaches east's backend")
        #expect(try sites.grant()?.redemptions == 1)
        #expect(try sites.grant()?.redeemedBy == ["east"])
        #expect(FileManager.default.fileExists(atPath: sites.path("east") + "/pki/links/to-west/tls.key"))
        let eastStatus = try sites.status("east")
        #expect(eastStatus.contains("AccessToken/to-west: Ready — redeemed at ") && eastStatus.contains("; link to-west up"), "\(eastStatus)")
        #expect(!eastStatus.contains("code"))
        #expect(eventually(timeout: 5) { ((try? sites.status("west")) ?? "").contains("AccessGrant/east-link: Not Ready — used up (1/1 redemptions): no site can redeem it again") })

        // The token stays in git, and a few daemon cycles later it was still redeemed only once.
        Thread.sleep(forTimeInterval: 2.5)
        #expect(try sites.grant()?.redemptions == 1)
        let metrics = try Command.run("curl", ["-sf", "--max-time", "5", "http://127.0.0.1:\(sites.httpPorts["west"]!)/metrics"]).stdout
        #expect(metrics.contains(#"skiff_grant_redemptions{grant="east-link"} 1"#), "\(metrics)")

        // A second site trying the same one-use token by hand is refused, clearly.
        let tokenFile = try sites.state.write("token.yaml", token)
        let again = try sites.skiff(["token", "redeem", tokenFile, "--site", "north", "--state-dir", sites.path("north")])
        #expect(again.status == 1)
        #expect(again.stderr.contains("403 used-up"), "\(again.stderr)")
        #expect(again.stderr.split(separator: "\n").count == 1)
    }

    @Test("Examples/hello-world as bundled: both daemons, a token committed to east, traffic end to end")
    func helloWorld() throws {
        let sites = try GrantedSites(example: true)
        try sites.startDaemon("west")
        #expect(eventually(timeout: 15) { (try? sites.grant()) != nil })
        try sites.commitToken()
        try sites.startDaemon("east")
        #expect(eventually(timeout: 20) { sites.linkUp("east", "to-west") })
        #expect(eventually(timeout: 10) { ((try? sites.flow())?["intact"] as? Bool) == true })
        let west = try sites.status("west")
        #expect(west.contains("Listener/backend: Ready"))
        #expect(west.contains("backend: listener backend@west, connector@east"), "\(west)")
    }

    @Test("the README's quick start: files written and committed by skiff's create verbs, applied; a token; traffic end to end")
    func quickStart() throws {
        let sites = try GrantedSites(scaffolded: true)
        #expect(try sites.skiff(["validate", "--strict"]).status == 0)
        try sites.linkEastToWest()
        #expect(eventually(timeout: 10) { ((try? sites.flow())?["intact"] as? Bool) == true })
        #expect(try sites.status("west").contains("backend: listener backend@west, connector@east"))
    }

    @Test("IPv6: sites linked over [::1], a token from an IPv6 grant URL, an IPv6 listener to an IPv4 backend and an IPv4 listener to an IPv6 one; the daemon serves on [::1]")
    func ipv6() throws {
        let sites = try GrantedSites(scaffolded: true, loopback: "::1")
        let echo6 = try BackgroundProcess("/usr/bin/env", ["python3", TwoSitesPaths.root + "/Tests/Tools/echo_server.py", "--host", "::1"])
        defer { echo6.terminate() }
        let echo6Port = try #require(echo6.firstLine())
        let reversePort = try FreePort.next()
        try sites.scaffold([
            ["connector", "create", "back6", echo6Port, "--site", "west", "--host", "::1"],
            ["listener", "create", "back6", "\(reversePort)", "--site", "east", "--host", "127.0.0.1"],
        ])
        #expect(try sites.skiff(["validate", "--strict"]).status == 0)
        #expect(try sites.apply("west").status == 0)
        let token = try sites.commitToken()
        #expect(token.contains("url: https://[::1]:\(sites.grantPort)/grants/east-link"), "\(token)")
        #expect(try sites.apply("east").status == 0)
        #expect(eventually(timeout: 10) { sites.linkUp("east", "to-west") }, "\((try? sites.status("east")) ?? "")")

        #expect(eventually(timeout: 10) { ((try? sites.flow(host: "::1"))?["intact"] as? Bool) == true }, "IPv6 listener → IPv4 backend")
        #expect(eventually(timeout: 10) { ((try? sites.flow(port: reversePort))?["intact"] as? Bool) == true }, "IPv4 listener → IPv6 backend")
        let west = try sites.status("west")
        #expect(west.contains("Listener/backend: Ready — listening on [::1]:\(sites.listenerPort)"), "\(west)")
        #expect(west.contains("Connector/back6: Ready — [::1]:\(echo6Port)"), "\(west)")
        #expect(west.contains("RouterAccess/skupper-router: Ready — accepting links on [::1]:\(sites.accessPort)"), "\(west)")

        // The daemon's HTTP server on an IPv6 literal, checked with curl.
        let httpPort = try FreePort.next()
        let daemon = try SkiffBinary.daemon(site: "west", repo: sites.repo.path, stateDirectory: sites.path("west"), httpPort: httpPort,
                                            logPath: sites.state.path + "/west-daemon6.log", httpHost: "::1")
        defer { daemon.terminate() }
        #expect(eventually(timeout: 15) {
            (try? Command.run("curl", ["-sf", "-g", "http://[::1]:\(httpPort)/healthz"]).status) == 0
        }, "\((try? String(contentsOfFile: sites.state.path + "/west-daemon6.log", encoding: .utf8)) ?? "")")
    }

    @Test("a wrong code, an expired grant and a revoked site each end in a clear error in status; apply goes on")
    func refusals() throws {
        // A window the first steps fit in, however slow the machine (a sanitizer makes it 4 times slower).
        let window = 3 * testSlowdown
        let sites = try GrantedSites(redemptionsAllowed: 3, expirationWindow: "\(Int(window))s")
        #expect(try sites.apply("west").status == 0)
        #expect(try sites.apply("east").status == 0)

        // Wrong code.
        let real = try sites.commitToken { $0.replacingOccurrences(of: "code: ", with: "code: x") }
        let wrong = try sites.apply("east")
        #expect(wrong.status == 0, "a refused token does not fail the site's apply: \(wrong.stderr)")
        #expect(try sites.status("east").contains("AccessToken/to-west: Error — grant server https://127.0.0.1:\(sites.grantPort)/grants/east-link refused the token (403 wrong-code)"))
        // Refused for good: the next apply does not try again.
        let plan = try sites.skiff(["plan", "--site", "east", "--state-dir", sites.path("east")])
        #expect(!plan.stdout.contains("Redemption/to-west"))
        #expect(plan.stdout.contains("was refused"))

        // Expired: the grant's window has passed.
        Thread.sleep(forTimeInterval: window + 0.2)
        try sites.repo.write("east/token.yaml", real)
        try sites.repo.commit("east: the real token, too late")
        #expect(try sites.apply("east").status == 0)
        #expect(try sites.status("east").contains("(403 expired)"))
        #expect(try sites.status("west").contains("AccessGrant/east-link: Not Ready — expired at "), "\((try? sites.status("west")) ?? "")")
        let issue = try sites.skiff(["token", "issue", "east-link", "--site", "west", "--state-dir", sites.path("west")])
        #expect(issue.status == 1 && issue.stderr.contains("grant east-link is expired"))
    }

    @Test("a token from a site that revoked access is refused; the error says so")
    func revoked() throws {
        let sites = try GrantedSites()
        #expect(try sites.apply("west").status == 0)
        try sites.commitToken()
        let revoke = try sites.skiff(["revoke-access", "--site", "west", "--state-dir", sites.path("west")])
        #expect(revoke.status == 0)
        #expect(revoke.stdout.contains("Invalidated 1 outstanding grant (east-link)"))
        // West's router took the new certificates at once: the old token no longer even verifies the server.
        #expect(try sites.apply("east").status == 0)
        #expect(try sites.status("east").contains("does not verify against the token's CA; the site may have revoked access: ask for a fresh token"))
        // A refused redemption is not retried on the next apply.
        let plan = try sites.skiff(["plan", "--site", "east", "--state-dir", sites.path("east")])
        #expect(!plan.stdout.contains("Redemption/to-west"), "\(plan.stdout)")
    }

    @Test("revoke-access closes the links its old credentials made, at once; a new token links again within seconds")
    func revokeClosesLinks() throws {
        let sites = try GrantedSites()
        try sites.linkEastToWest()
        #expect(try sites.flow()["intact"] as? Bool == true)

        let revoke = try sites.skiff(["revoke-access", "--site", "west", "--state-dir", sites.path("west")])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(revoke.stdout.contains("The router reloaded its trust and closed the links that presented those credentials."))
        let revoked = Date()
        #expect(eventually(timeout: 5) { (try? sites.client("west").status().links.isEmpty) == true }, "west dropped east's link")
        let closedAfter = Date().timeIntervalSince(revoked)
        #expect(closedAfter < 3 * testSlowdown, "closed after \(closedAfter) s")
        #expect(!sites.linkUp("east", "to-west"))
        // East says why, in words: west refused its certificate, then west's new one does not verify.
        #expect(eventually(timeout: 5) {
            let text = (try? sites.status("east")) ?? ""
            return text.contains("AccessToken/to-west: Error — redeemed at ")
                && text.contains("link to-west down: link to-west (127.0.0.1:\(sites.accessPort)): the server's certificate does not verify against this link's CA — the site revoked access (rotated its CA) or another server answers there: redeem a fresh token")
                // The link's own line gives the same reason, in the same reading (each redial may fail
                // differently for a moment under a slow build, so both are read from one status).
                && text.contains("to-west outgoing ↔ ?: down, 0 open flows — link to-west (127.0.0.1:\(sites.accessPort)): the server's certificate does not verify")
        }, "\((try? sites.status("east")) ?? "")")
        #expect(try Command.run("python3", [TwoSitesPaths.root + "/Tests/Tools/flow_client.py", "halfclose", "\(sites.listenerPort)"])
            .stdout.contains("\"intact\": true") == false, "no traffic over revoked credentials")
        // West's next apply plans nothing for its router: revoke-access already reloaded it.
        let westPlan = try sites.skiff(["plan", "--site", "west", "--state-dir", sites.path("west")])
        #expect(!westPlan.stdout.contains("Router/west"), "\(westPlan.stdout)")

        // A new token (the grant is served afresh under the new CA) links again.
        #expect(try sites.apply("west").status == 0)
        try sites.commitToken()
        let relinked = Date()
        #expect(try sites.apply("east").status == 0)
        #expect(eventually(timeout: 10) { sites.linkUp("east", "to-west") })
        print("revoked link closed after \(closedAfter) s; new token linked after \(Date().timeIntervalSince(relinked)) s")
        #expect(try sites.flow()["intact"] as? Bool == true)
    }

    @Test("revoke-access with an overlap keeps links up until it ends; the first apply after it closes them")
    func revokeWithOverlap() throws {
        let sites = try GrantedSites()
        try sites.linkEastToWest()
        let overlap = 3 * testSlowdown
        let revoke = try sites.skiff(["revoke-access", "--site", "west", "--state-dir", sites.path("west"), "--overlap", "\(Int(overlap))s"])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(revoke.stdout.contains("links that present the old credentials are closed when the overlap ends"))
        usleep(500_000)
        #expect(sites.linkUp("east", "to-west"), "inside the overlap the link stays up")
        #expect(try sites.flow()["intact"] as? Bool == true)
        Thread.sleep(forTimeInterval: overlap)
        let plan = try sites.skiff(["plan", "--site", "west", "--state-dir", sites.path("west")])
        #expect(plan.stdout.contains("Certificate/trust-bundle") && plan.stdout.contains("ended"), "\(plan.stdout)")
        #expect(try sites.apply("west").status == 0)
        #expect(eventually(timeout: 5) { (try? sites.client("west").status().links.isEmpty) == true }, "west dropped east's link")
    }

    @Test("apply --wait waits for links, tokens and listeners, saying what it waits for; on timeout it exits 1 naming what is pending")
    func applyWait() throws {
        let sites = try GrantedSites()
        let alone = try sites.skiff(["apply", "--site", "west", "--state-dir", sites.path("west"), "--wait", "2s"])
        #expect(alone.status == 1, "\(alone.stdout)")
        #expect(alone.stdout.contains("Waiting for: Listener/backend (No matching connectors (listening on 127.0.0.1:\(sites.listenerPort)))"), "\(alone.stdout)")
        #expect(alone.stderr.hasSuffix("Error: timed out after 2s waiting for: Listener/backend (No matching connectors (listening on 127.0.0.1:\(sites.listenerPort)))\n"),
                "\(alone.stderr)")

        try sites.commitToken()
        let east = try sites.skiff(["apply", "--site", "east", "--state-dir", sites.path("east"), "--wait"])
        #expect(east.status == 0, "\(east.stdout)\(east.stderr)")
        #expect(east.stdout.hasSuffix("Ready: every link, token and listener of site east.\n"), "\(east.stdout)")
        #expect(sites.linkUp("east", "to-west"), "--wait returned once the link was up")
        let west = try sites.skiff(["apply", "--site", "west", "--state-dir", sites.path("west"), "--wait", "10s"])
        #expect(west.status == 0, "\(west.stdout)\(west.stderr)")
        #expect(try sites.flow()["intact"] as? Bool == true)
        let bad = try sites.skiff(["apply", "--site", "west", "--state-dir", sites.path("west"), "--wait", "soon"])
        #expect(bad.status == 1 && bad.stderr.contains("--wait expects a duration such as 30s or 5m, got \"soon\""))
    }

    @Test("token issue explains what is wrong: unknown grant, nothing served yet")
    func issueErrors() throws {
        let sites = try GrantedSites()
        let early = try sites.skiff(["token", "issue", "east-link", "--site", "west", "--state-dir", sites.path("west")])
        #expect(early.status == 1 && early.stderr.contains("not served yet: run `skiff apply --site west`"))
        #expect(try sites.apply("west").status == 0)
        let unknown = try sites.skiff(["token", "issue", "nope", "--site", "west", "--state-dir", sites.path("west")])
        #expect(unknown.status == 1 && unknown.stderr.contains("its grants are east-link"))
        let file = sites.state.path + "/token.yaml"
        let written = try sites.skiff(["token", "issue", "east-link", "--site", "west", "--state-dir", sites.path("west"), "--output", file])
        #expect(written.status == 0)
        #expect(written.stderr.contains("Wrote the AccessToken for grant east-link of site west to \(file) (mode 0600)."), "\(written.stderr)")
        #expect(written.stderr.contains("Next: commit it into the folder of the site that links to west (never west/ itself)"), "\(written.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let bad = try sites.state.write("bad.yaml", "apiVersion: skupper.io/v2alpha1\nkind: AccessToken\nmetadata:\n  name: t\nspec:\n  url: http://x\n")
        let redeemBad = try sites.skiff(["token", "redeem", bad, "--site", "east", "--state-dir", sites.path("east")])
        #expect(redeemBad.status == 1 && redeemBad.stderr.contains("bad.yaml:"))
    }
}
