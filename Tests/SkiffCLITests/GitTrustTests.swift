import Foundation
import SkiffReconcile
import SkiffRouterAPI
import SkiffSupport
import SkiffTestSupport
import Testing

/// Three sites that link through git alone (docs/trust.md): each applied once on its own, which
/// makes its CA; each CA committed as `<site>/ca.crt` by `skiff site ca`; west's Site names the
/// sites it accepts links from; east and north each hold a Link annotated `skiff.io/site: west`.
/// No token, no Secret, no key in the repository. Routers are stopped at the end, pass or fail.
final class GitTrustedSites: @unchecked Sendable {
    static let names = ["west", "east", "north"]
    let repo: GitFixture
    let state = try! TemporaryDirectory("skiff-git-trust")
    let westAccessPort: Int, westListenerPort: Int, northListenerPort: Int, echoPort: Int
    let echo: BackgroundProcess

    init() throws {
        repo = try GitFixture()
        westAccessPort = try FreePort.next()
        westListenerPort = try FreePort.next()
        northListenerPort = try FreePort.next()
        echo = try BackgroundProcess("/usr/bin/env", ["python3", TwoSitesPaths.root + "/Tests/Tools/echo_server.py"])
        guard let line = echo.firstLine(), let port = Int(line) else { throw CocoaError(.fileNoSuchFile) }
        echoPort = port
        for site in Self.names { try repo.write("\(site)/site.yaml", Fixtures.file(Fixtures.site(site))) }
        try repo.commit("three sites, nothing linked")
        for site in Self.names {
            let applied = try apply(site)
            guard applied.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: applied.stderr]) }
            try publishCA(site)
        }
        try repo.commit("the sites' public CAs")
    }

    func path(_ site: String) -> String { state.path + "/" + site }

    func skiff(_ arguments: [String]) throws -> CommandResult { try SkiffBinary.run(arguments, in: repo.path) }

    func apply(_ site: String) throws -> CommandResult { try skiff(["apply", "--site", site, "--state-dir", path(site)]) }

    /// `skiff site ca` written into the site's folder (not committed).
    func publishCA(_ site: String) throws {
        let result = try skiff(["site", "ca", "--site", site, "--state-dir", path(site), "--output", repo.path + "/\(site)/ca.crt"])
        guard result.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
    }

    /// West accepts links from `accepting`; each of `linking` dials west through git. West serves
    /// `backend` at its listener, east connects it to the echo server, north listens for it too.
    func writeNetwork(accepting: [String], linking: [String]) throws {
        try repo.write("west/site.yaml", Fixtures.file(
            Fixtures.annotated(Fixtures.site("west"), ["skiff.io/accept-links-from": accepting.joined(separator: ", ")]),
            Fixtures.routerAccess(host: "127.0.0.1", port: westAccessPort),
            Fixtures.listener("backend", port: westListenerPort)))
        let eastLink = linking.contains("east") ? [trustedLink()] : []
        try repo.write("east/site.yaml", Fixtures.file(Fixtures.site("east"), Fixtures.connector("backend", port: echoPort)) +
                       eastLink.map { "---\n" + $0 + "\n" }.joined())
        let northLink = linking.contains("north") ? [trustedLink()] : []
        try repo.write("north/site.yaml", Fixtures.file(Fixtures.site("north"), Fixtures.listener("north-backend", routingKey: "backend", port: northListenerPort)) +
                       northLink.map { "---\n" + $0 + "\n" }.joined())
    }

    func trustedLink() -> String {
        Fixtures.annotated(Fixtures.link("to-west", host: "127.0.0.1", port: westAccessPort), ["skiff.io/site": "west"])
    }

    func client(_ site: String) -> ManagementClient { ManagementClient(socketPath: RouterProcess.socketPath(path(site))) }

    func linkUp(_ site: String, _ link: String) -> Bool {
        (try? client(site).status().links.contains { $0.name == link && $0.state == .up }) ?? false
    }

    /// The sites whose links west has up.
    func westPeers() -> Set<String> {
        Set(((try? client("west").status().links) ?? []).filter { $0.state == .up }.compactMap(\.peerSite))
    }

    /// Whether one half-closed flow through the listener at `port` came back intact.
    func flowIntact(port: Int) -> Bool {
        let result = try? Command.run("python3", [TwoSitesPaths.root + "/Tests/Tools/flow_client.py", "halfclose", "\(port)"])
        return result?.stdout.contains("\"intact\": true") == true
    }

    /// `openssl s_client` presenting `certificate` and `key` at west's link port; its output and alerts.
    func handshake(certificate: String, key: String) throws -> String {
        let script = "sleep 1 | timeout 5 openssl s_client -connect 127.0.0.1:\(westAccessPort) -cert \(certificate) -key \(key) "
            + "-CAfile \(repo.path)/west/ca.crt 2>&1"
        return try Command.run("/bin/sh", ["-c", script]).stdout
    }

    /// A client certificate for `names` (`urn:skiff:site:<names>`) issued with `issuer`'s CA key by
    /// openssl, as a site that holds that CA could make for itself.
    func mint(names: String, issuer: String) throws -> (certificate: String, key: String) {
        let base = state.path + "/minted-\(issuer)-\(names)"
        let ca = path(issuer) + "/pki/ca"
        try Command.check("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                      "-keyout", base + ".key", "-subj", "/CN=\(names)", "-out", base + ".csr"])
        try "subjectAltName=URI:urn:skiff:site:\(names)\nextendedKeyUsage=clientAuth\n".write(toFile: base + ".ext", atomically: true, encoding: .utf8)
        try Command.check("openssl", ["x509", "-req", "-in", base + ".csr", "-CA", ca + "/ca.crt", "-CAkey", ca + "/tls.key",
                                      "-CAcreateserial", "-days", "1", "-extfile", base + ".ext", "-out", base + ".crt"])
        return (base + ".crt", base + ".key")
    }

    func log(_ site: String) -> String {
        (try? String(contentsOfFile: path(site) + "/router/router.log", encoding: .utf8)) ?? ""
    }

    deinit {
        echo.terminate()
        for site in Self.names { RouterSupervisor(stateDirectory: StateDirectory(path: path(site))).stop(timeout: 5) }
    }
}

@Suite("links trusted through git", .serialized)
struct GitTrustTests {
    @Test("three sites linked through git alone: no token, no key in the repository, traffic end to end over two hops")
    func threeSites() throws {
        let sites = try GitTrustedSites()
        try sites.writeNetwork(accepting: ["east", "north"], linking: ["east", "north"])
        try sites.repo.commit("west accepts links from east and north; both link to west")
        let plan = try sites.skiff(["plan", "--site", "east", "--state-dir", sites.path("east")])
        #expect(plan.stdout.contains("LinkCredentials/to-west") && plan.stdout.contains("trusted through west/ca.crt"), "\(plan.stdout)")
        for site in GitTrustedSites.names {
            let applied = try sites.apply(site)
            #expect(applied.status == 0, "\(site): \(applied.stdout)\(applied.stderr)")
        }
        #expect(eventually(timeout: 10) { sites.linkUp("east", "to-west") && sites.linkUp("north", "to-west") })
        #expect(sites.westPeers() == ["east", "north"])
        #expect(sites.flowIntact(port: sites.westListenerPort), "west → east")
        #expect(eventually(timeout: 5) { sites.flowIntact(port: sites.northListenerPort) }, "north → west → east")

        // Nothing secret in git: every committed file is a resource or a public CA certificate.
        let grep = try Command.run("git", ["-C", sites.repo.path, "grep", "-I", "-l", "PRIVATE KEY"])
        #expect(grep.status == 1 && grep.stdout.isEmpty, "\(grep.stdout)")
        // East presents a certificate of its own CA, as committed; openssl agrees.
        let verify = try OpenSSL.verify(ca: sites.repo.path + "/east/ca.crt", certificate: sites.path("east") + "/pki/links/to-west/tls.crt")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(try OpenSSL.text(sites.path("east") + "/pki/links/to-west/tls.crt").contains("URI:urn:skiff:site:east"))
        let status = try sites.skiff(["status", "--site", "east", "--state-dir", sites.path("east")])
        #expect(status.stdout.contains("linked to site west (trusted through git)"), "\(status.stdout)")
        // A second apply has nothing left to do.
        let again = try sites.skiff(["plan", "--site", "east", "--state-dir", sites.path("east")])
        #expect(!again.stdout.contains("LinkCredentials"), "\(again.stdout)")
    }

    @Test("a site git does not permit is refused at the handshake; a permitted site's CA cannot certify another site")
    func refusals() throws {
        let sites = try GitTrustedSites()
        // North links to west without west's permission: validation names the file and the fix.
        try sites.writeNetwork(accepting: ["east"], linking: ["east", "north"])
        try sites.repo.commit("north links to west, which does not accept it")
        let refused = try sites.skiff(["validate"])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("north/site.yaml:") && refused.stdout.contains("site west does not accept links from north"), "\(refused.stdout)")
        try sites.writeNetwork(accepting: ["east"], linking: ["east"])
        try sites.repo.commit("west accepts east only")
        for site in ["west", "east"] { #expect(try sites.apply(site).status == 0) }
        #expect(eventually(timeout: 10) { sites.linkUp("east", "to-west") })

        // openssl presenting north's certificate (its own CA's): the handshake fails, unknown CA.
        let north = try sites.mint(names: "north", issuer: "north")
        let northHandshake = try sites.handshake(certificate: north.certificate, key: north.key)
        #expect(northHandshake.contains("unknown ca"), "\(northHandshake)")
        // The same with east's credentials: accepted.
        let link = sites.path("east") + "/pki/links/to-west"
        let eastHandshake = try sites.handshake(certificate: link + "/tls.crt", key: link + "/tls.key")
        #expect(eastHandshake.contains("Verify return code: 0 (ok)") && !eastHandshake.contains("alert"), "\(eastHandshake)")
        // A certificate of west's own CA (what a redeemed token holds, for a site outside git): accepted as before.
        let outside = try sites.mint(names: "outside", issuer: "west")
        let tokenHandshake = try sites.handshake(certificate: outside.certificate, key: outside.key)
        #expect(tokenHandshake.contains("Verify return code: 0 (ok)") && !tokenHandshake.contains("alert"), "\(tokenHandshake)")

        // East's CA minting a certificate that names north: TLS passes (east's CA is trusted), the
        // link is refused before its first frame is taken.
        let forged = try sites.mint(names: "north", issuer: "east")
        let script = "python3 \(TwoSitesPaths.root)/Tests/Tools/hostile_frames.py north hello | timeout 5 openssl s_client -quiet -ign_eof "
            + "-connect 127.0.0.1:\(sites.westAccessPort) -cert \(forged.certificate) -key \(forged.key) -CAfile \(sites.repo.path)/west/ca.crt >/dev/null 2>&1"
        _ = try Command.run("/bin/sh", ["-c", script])
        #expect(eventually(timeout: 5) { sites.log("west").contains("was issued by the CA of site east, which may certify only east") },
                "\(sites.log("west").suffix(2000))")
        #expect(sites.westPeers() == ["east"])
    }

    @Test("removing a site's permission in git closes its link at the daemon's next cycle; the others stay up")
    func permissionRemoved() throws {
        let sites = try GitTrustedSites()
        try sites.writeNetwork(accepting: ["east", "north"], linking: ["east", "north"])
        try sites.repo.commit("west accepts links from east and north")
        for site in GitTrustedSites.names { #expect(try sites.apply(site).status == 0) }
        #expect(eventually(timeout: 10) { sites.westPeers() == ["east", "north"] })
        let daemonLog = sites.state.path + "/west-daemon.log"
        let daemon = try SkiffBinary.daemon(site: "west", repo: sites.repo.path, stateDirectory: sites.path("west"),
                                            httpPort: try FreePort.next(), logPath: daemonLog)
        defer { daemon.terminate() }

        try sites.writeNetwork(accepting: ["east"], linking: ["east"])
        let commit = try sites.repo.commit("west no longer accepts north")
        let committed = Date()
        #expect(eventually(timeout: 10) { sites.westPeers() == ["east"] }, "\(sites.westPeers())")
        // What CI shows the reviewer of that commit.
        let review = try sites.skiff(["plan", "--base", "HEAD~1"])
        #expect(review.stdout.contains("~ update Site/west") && review.stdout.contains(#"skiff.io/accept-links-from "east, north" → "east""#),
                "\(review.stdout)")
        print("north's link closed \(Date().timeIntervalSince(committed)) s after the commit")
        func log() -> String { (try? String(contentsOfFile: daemonLog, encoding: .utf8)) ?? "" }
        #expect(eventually(timeout: 5) { log().contains("no longer accepts links from north") && log().contains(String(commit.prefix(12))) },
                "\(log().suffix(3000))")
        #expect(sites.log("west").contains("closing link: peer no longer trusted"))
        #expect(!sites.linkUp("north", "to-west"))
        #expect(sites.flowIntact(port: sites.westListenerPort), "east's link carries on")
        // North's router keeps dialling and is refused every time.
        Thread.sleep(forTimeInterval: 2)
        #expect(sites.westPeers() == ["east"])
    }

    @Test("either site's CA rotated (revoke-access) and the new public CA committed: the link comes back")
    func rotation() throws {
        let sites = try GitTrustedSites()
        try sites.writeNetwork(accepting: ["east"], linking: ["east"])
        try sites.repo.commit("west accepts east")
        for site in ["west", "east"] { #expect(try sites.apply(site).status == 0) }
        #expect(eventually(timeout: 10) { sites.linkUp("east", "to-west") })

        #expect(try sites.skiff(["revoke-access", "--site", "east", "--state-dir", sites.path("east")]).status == 0)
        // East's plan reissues the link's certificate from its new CA, and says its ca.crt in git is stale.
        let plan = try sites.skiff(["plan", "--site", "east", "--state-dir", sites.path("east")])
        #expect(plan.stdout.contains("LinkCredentials/to-west") && plan.stdout.contains("this site's CA was rotated"), "\(plan.stdout)")
        #expect(plan.stdout.contains("east/ca.crt") && plan.stdout.contains("not site east's CA"), "\(plan.stdout)")
        #expect(try sites.apply("east").status == 0)

        try sites.publishCA("east")
        try sites.repo.commit("east's new CA")
        let westPlan = try sites.skiff(["plan", "--site", "west", "--state-dir", sites.path("west")])
        #expect(westPlan.stdout.contains("changed in git: a trusted site's CA changed"), "\(westPlan.stdout)")
        #expect(try sites.apply("west").status == 0)
        #expect(eventually(timeout: 10) { sites.linkUp("east", "to-west") && sites.westPeers() == ["east"] })
        let verify = try OpenSSL.verify(ca: sites.repo.path + "/east/ca.crt", certificate: sites.path("east") + "/pki/links/to-west/tls.crt")
        #expect(verify.status == 0, "east now presents a certificate of its new CA: \(verify.stdout)\(verify.stderr)")
        #expect(eventually(timeout: 5) { sites.flowIntact(port: sites.westListenerPort) })

        // West, the accepting site, rotates too: its new server certificate verifies against the
        // new west/ca.crt once committed and applied at east; a fresh connection proves it.
        #expect(try sites.skiff(["revoke-access", "--site", "west", "--state-dir", sites.path("west")]).status == 0)
        try sites.publishCA("west")
        try sites.repo.commit("west's new CA")
        let eastPlan = try sites.skiff(["plan", "--site", "east", "--state-dir", sites.path("east")])
        #expect(eastPlan.stdout.contains("LinkCredentials/to-west") && eastPlan.stdout.contains("changed in git: west/ca.crt"), "\(eastPlan.stdout)")
        #expect(try sites.apply("east").status == 0)
        #expect(try sites.skiff(["stop", "--site", "west", "--state-dir", sites.path("west")]).status == 0)
        #expect(try sites.apply("west").status == 0)
        #expect(eventually(timeout: 10) { sites.linkUp("east", "to-west") }, "east redialled west's new server certificate")
        #expect(eventually(timeout: 5) { sites.flowIntact(port: sites.westListenerPort) })
    }
}
