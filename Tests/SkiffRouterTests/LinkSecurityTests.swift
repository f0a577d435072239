import Foundation
import SkiffPKI
import SkiffRouter
import SkiffRouterAPI
import SkiffTestSupport
import Testing

/// The link port checked with `openssl s_client`, a TLS client nobody here wrote.
@Suite("Router: mutual TLS on links", .serialized)
struct LinkSecurityTests {
    /// Runs s_client against west's link port for about a second and returns everything it printed.
    static func handshake(_ sites: TwoSites, _ arguments: [String]) throws -> String {
        let script = "sleep 1 | timeout 5 openssl s_client -connect 127.0.0.1:\(sites.accessPort) -CAfile \(sites.west.path)/pki/ca/ca.crt "
            + arguments.joined(separator: " ") + " 2>&1"
        return try Command.run("/bin/sh", ["-c", script]).stdout
    }

    @Test("no client certificate, a self-signed one, another site's, and TLS 1.2 are all refused and logged; east's is accepted")
    func refusals() throws {
        let sites = try TwoSites()
        let other = try TemporaryDirectory()
        let otherPKI = SitePKI(stateDirectory: other.path)
        let otherCA = try otherPKI.createCA(site: "elsewhere")
        let foreign = try otherPKI.issueClientCertificate(link: "x", site: "elsewhere", to: "east")
        try PEMFiles.writeCredential(foreign, ca: otherCA.certificate, to: other.path + "/foreign")
        try Command.check("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                                      other.path + "/self.key", "-out", other.path + "/self.crt", "-subj", "/CN=self", "-days", "1"])

        let none = try Self.handshake(sites, ["-tls1_3"])
        #expect(none.contains("alert certificate required"), "\(none)")
        let selfSigned = try Self.handshake(sites, ["-tls1_3", "-cert", other.path + "/self.crt", "-key", other.path + "/self.key"])
        #expect(selfSigned.contains("alert"), "\(selfSigned)")
        let foreignCA = try Self.handshake(sites, ["-tls1_3", "-cert", other.path + "/foreign/tls.crt", "-key", other.path + "/foreign/tls.key"])
        #expect(foreignCA.contains("alert"), "\(foreignCA)")
        let tls12 = try Self.handshake(sites, ["-tls1_2"])
        #expect(tls12.contains("alert protocol version"), "\(tls12)")
        let link = sites.east.path + "/pki/links/to-west"
        let accepted = try Self.handshake(sites, ["-tls1_3", "-cert", link + "/tls.crt", "-key", link + "/tls.key"])
        #expect(!accepted.contains("alert") && accepted.contains("TLSv1.3"), "\(accepted)")

        #expect(eventually { sites.log("west").components(separatedBy: "refused a link handshake").count - 1 >= 4 })
        // Each refusal in plain words, naming the peer's address as one would type it.
        let log = sites.log("west")
        for words in ["presented no certificate (links need one from a redeemed token)",
                      "is not signed by a CA this site trusts (was its access revoked?)",
                      "does not offer TLS 1.3"] {
            #expect(log.contains(words), "\(words) in \(log.suffix(2000))")
        }
        #expect(log.contains("error=the peer at 127.0.0.1:"))
        #expect(!log.contains("BoringSSL") && !log.contains("OPENSSL_internal"), "no library internals in the log")
    }

    @Test("an expired link certificate is not even dialled; the dialling side's status names the file and says what to do")
    func expiredCredential() throws {
        let sites = try TwoSites()
        sites.eastRouter?.kill()
        let west = SitePKI(stateDirectory: sites.west.path)
        let stale = try west.issueClientCertificate(link: "to-west", site: "west", to: "east", validity: 60, now: Date().addingTimeInterval(-7200))
        try PEMFiles.writeCredential(stale, ca: try west.loadCA().certificate, to: SitePKI(stateDirectory: sites.east.path).linkFolder("to-west"))
        try sites.restartEast()
        let words = "this site's link certificate pki/links/to-west/tls.crt expired at "
        #expect(eventually { (try? sites.status("east"))?.links.first?.lastError?.hasPrefix(words) == true },
                "\(String(describing: try? sites.status("east").links))")
        #expect(try sites.status("east").links.first?.lastError?.hasSuffix(": redeem a fresh token") == true)
        #expect(try sites.status("west").links.isEmpty)
    }

    @Test("a peer that goes silent (SIGSTOP) is declared dead by keepalive within about 3 s")
    func keepalive() throws {
        let sites = try TwoSites()
        let east = try #require(sites.eastRouter)
        kill(east.process.processIdentifier, SIGSTOP)
        defer { kill(east.process.processIdentifier, SIGCONT) }
        let stopped = Date()
        #expect(try eventually(timeout: 8) { try sites.status("west").links.isEmpty })
        let detected = Date().timeIntervalSince(stopped)
        #expect(detected > 2.5 && detected < 5, "declared dead after \(detected) s")
        #expect(sites.log("west").contains("keepalive"))
        kill(east.process.processIdentifier, SIGCONT)
        #expect(sites.waitForLink(timeout: 15), "the link comes back once east answers again")
        print("silent peer declared dead after \(detected) s")
    }

    @Test("a peer holding east's valid credentials whose hello names another site is refused, and east's own link carries on")
    func spoofedHello() throws {
        let sites = try TwoSites()
        let mallory = try TemporaryDirectory("skiff-mallory")
        try FileManager.default.createDirectory(atPath: mallory.path + "/pki/links", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: sites.east.path + "/pki/links/to-west", toPath: mallory.path + "/pki/links/to-west")
        try RouterProcess.saveConfig(RouterConfig(site: "mallory", links: [.init(name: "to-west", host: "127.0.0.1", port: sites.accessPort)]),
                                     stateDirectory: mallory.path)
        let impostor = try sites.startRouter(mallory.path, site: "mallory")
        defer { impostor.terminate(timeout: 2) }
        let reason = "identity: the peer's certificate is for site east, but its hello says mallory"
        #expect(eventually { sites.log("west").contains(reason) }, "\(sites.log("west").suffix(1500))")
        #expect(try sites.status("west").links.allSatisfy { $0.peerSite == "east" }, "west never took mallory for a site")
        #expect(eventually {
            (try? ManagementClient(socketPath: RouterProcess.socketPath(mallory.path)).status())?.links.first?.lastError?.contains("protocol error") == true
        }, "the impostor's own status says why")
        #expect(try sites.flows(["halfclose", "\(sites.listenerPort)"])["intact"] as? Bool == true, "east's link carries traffic")
    }

    @Test("a peer holding valid credentials that sends hostile frames is cut off with the reason in the log; the real link carries on", arguments: [
        ("garbage", "unsupported protocol version 7"),
        ("unknown-type", "unknown frame type 42"),
        ("overrun", "stream 1 overran its window"),
        ("huge-advert", "link-state advert beyond the limits"),
        ("bad-advert", "unreadable link-state advert"),
        ("max-sequence", "link-state advert beyond the limits"),
        ("window-flood", "takes its window past 2147483647"),
    ])
    func hostilePeer(frames: String, reason: String) throws {
        let sites = try TwoSites()
        // A key west serves itself through a connector whose dial hangs: a stream the impostor
        // opens stays open at west and nothing consumes its bytes, so no credit beyond the initial
        // window is ever granted and an overrun is one whatever the timing.
        let (hole, holePort) = try RouterRobustnessTests.backend(["--blackhole"])
        defer { hole.kill() }
        var west = sites.westConfig()
        west.connectors = [.init(name: "west-echo", routingKey: "west-echo", host: "127.0.0.1", port: holePort)]
        try sites.put(west, site: "west")
        let link = sites.east.path + "/pki/links/to-west"
        let script = "python3 \(TwoSites.root)/Tests/Tools/hostile_frames.py east \(frames) | timeout 5 openssl s_client -quiet -ign_eof "
            + "-connect 127.0.0.1:\(sites.accessPort) -cert \(link)/tls.crt -key \(link)/tls.key -CAfile \(link)/ca.crt >/dev/null 2>&1"
        let started = Date()
        _ = try Command.run("/bin/sh", ["-c", script])
        #expect(Date().timeIntervalSince(started) < 4.5, "west closed the hostile link itself, before the 5 s timeout")
        #expect(eventually { sites.log("west").contains("link protocol error; closing") && sites.log("west").contains(reason) },
                "\(sites.log("west").suffix(1500))")
        #expect(sites.westRouter?.process.isRunning == true)
        #expect(try sites.status("west").links.filter { $0.state == .up }.count == 1, "only east's real link is up")
        #expect(try sites.flows(["halfclose", "\(sites.listenerPort)"])["intact"] as? Bool == true, "the real link carries traffic")
    }
}
