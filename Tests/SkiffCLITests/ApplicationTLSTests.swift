import Foundation
import SkiffPKI
import SkiffRouterAPI
import SkiffSupport
import SkiffTestSupport
import Testing

/// Two sites from git whose services speak TLS to their applications, with real routers, and real
/// applications and clients nobody here wrote: curl, socat and openssl s_server.
final class TLSSites: @unchecked Sendable {
    let repo: GitFixture
    let state = try! TemporaryDirectory("skiff-tls")
    let accessPort: Int
    var processes: [BackgroundProcess] = []

    init(west: [String], east: [String]) throws {
        repo = try GitFixture()
        accessPort = try FreePort.next()
        try write(west: west, east: east)
        try repo.commit("two sites")
    }

    func write(west: [String], east: [String]) throws {
        try repo.write("west/site.yaml", ([Fixtures.site("west", linkAccess: "default"), Fixtures.routerAccess(host: "127.0.0.1", port: accessPort)]
                                              + west).joined(separator: "\n---\n"))
        try repo.write("east/site.yaml", ([Fixtures.site("east"), Fixtures.link("to-west", port: accessPort)] + east).joined(separator: "\n---\n"))
    }

    func path(_ site: String) -> String { state.path + "/" + site }
    func credentials(_ site: String, _ name: String) -> String { path(site) + "/pki/certificates/" + name }

    func apply(_ site: String) throws -> CommandResult {
        try SkiffBinary.run(["apply", "--site", site, "--state-dir", path(site)], in: repo.path)
    }

    func skiff(_ arguments: [String]) throws -> CommandResult {
        try SkiffBinary.run(arguments, in: repo.path)
    }

    /// Applies both sites, east with link credentials west's CA issued (what a token's redemption does).
    func start() throws {
        let west = try apply("west")
        #expect(west.status == 0, "\(west.stdout)\(west.stderr)")
        let pki = SitePKI(stateDirectory: path("west"))
        let credential = try pki.issueClientCertificate(link: "to-west", site: "west", to: "east")
        try PEMFiles.writeCredential(credential, ca: try pki.loadCA().certificate, to: SitePKI(stateDirectory: path("east")).linkFolder("to-west"))
        let east = try apply("east")
        #expect(east.status == 0, "\(east.stdout)\(east.stderr)")
    }

    func status(_ site: String) -> String {
        (try? skiff(["status", "--site", site, "--state-dir", path(site)]).stdout) ?? ""
    }

    /// A status line of `resource` (`Listener/web`).
    func line(_ site: String, _ resource: String) -> String {
        status(site).split(separator: "\n").first { $0.contains(resource + ":") }.map(String.init) ?? ""
    }

    func background(_ executable: String, _ arguments: [String]) throws -> BackgroundProcess {
        let process = try BackgroundProcess(executable, arguments)
        processes.append(process)
        return process
    }

    deinit {
        for process in processes { process.kill() }
        for site in ["west", "east"] { RouterSupervisor(stateDirectory: StateDirectory(path: path(site))).stop(timeout: 5) }
    }
}

@Suite("TLS to and from applications, end to end", .serialized)
struct ApplicationTLSTests {
    /// An HTTP server on loopback serving `hello.txt`; its port.
    static func webServer(_ sites: TLSSites) throws -> Int {
        let root = sites.state.path + "/www"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try "hello over tls\n".write(toFile: root + "/hello.txt", atomically: true, encoding: .utf8)
        let port = try FreePort.next()
        _ = try sites.background("/usr/bin/env", ["python3", "-m", "http.server", "\(port)", "--bind", "127.0.0.1", "--directory", root])
        return port
    }

    static func echoServer(_ sites: TLSSites) throws -> Int {
        let echo = try sites.background("/usr/bin/env", ["python3", TwoSitesPaths.root + "/Tests/Tools/echo_server.py"])
        return try #require(echo.firstLine().flatMap { Int($0) })
    }

    @Test("a listener serves TLS with a Certificate's credentials: curl and socat (a half-close by close_notify) trust the site CA; a changed Certificate is issued again and served to new connections while one already open goes on")
    func listenerTerminatesTLS() throws {
        let (webPort, echoPort) = (try FreePort.next(), try FreePort.next())
        let certificate = Fixtures.certificate("front-tls", subject: "front", hosts: ["127.0.0.1", "localhost"], server: true)
        let listeners = [Fixtures.listener("web", port: webPort, extra: ["tlsCredentials: front-tls"]),
                         Fixtures.listener("echo", port: echoPort, extra: ["tlsCredentials: front-tls"])]
        let sites = try TLSSites(west: [certificate] + listeners, east: [])
        try sites.write(west: [certificate] + listeners, east: [Fixtures.connector("web", port: try Self.webServer(sites)),
                                                                Fixtures.connector("echo", port: try Self.echoServer(sites))])
        try sites.repo.commit("backends")
        let plan = try sites.skiff(["plan", "--site", "west", "--state-dir", sites.path("west")])
        #expect(plan.stdout.contains("  + create Credentials/front-tls (missing)"), "\(plan.stdout)")
        try sites.start()
        let folder = sites.credentials("west", "front-tls")
        let ca = sites.path("west") + "/pki/ca/ca.crt"
        let verified = try OpenSSL.verify(ca: ca, certificate: folder + "/tls.crt", purpose: "sslserver")
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(eventually { sites.line("west", "Listener/web").contains("Ready") }, "\(sites.status("west"))")

        let fetched = try Command.run("curl", ["-sS", "--cacert", ca, "https://127.0.0.1:\(webPort)/hello.txt"])
        #expect(fetched.status == 0 && fetched.stdout == "hello over tls\n", "\(fetched.stdout)\(fetched.stderr)")
        let byName = try Command.run("curl", ["-sS", "--cacert", ca, "--resolve", "localhost:\(webPort):127.0.0.1", "https://localhost:\(webPort)/hello.txt"])
        #expect(byName.stdout == "hello over tls\n", "\(byName.stderr)")
        #expect(try Command.run("curl", ["-sS", "https://127.0.0.1:\(webPort)/hello.txt"]).status == 60, "untrusted without the site CA")
        #expect(try Command.run("curl", ["-sS", "-m", "5", "http://127.0.0.1:\(webPort)/hello.txt"]).status != 0, "plain HTTP is not served")

        // socat half-closes with close_notify after stdin ends and reads on: the echo comes back whole.
        let payload = String(repeating: "half-close through TLS\n", count: 2000)
        let echoed = try Command.run("/bin/sh", ["-c", "printf '%s' \"$0\" | socat -t 10 - OPENSSL:127.0.0.1:\(echoPort),cafile=\(ca),verify=1", payload])
        #expect(echoed.status == 0 && echoed.stdout == payload, "\(echoed.stdout.count) of \(payload.count) bytes; \(echoed.stderr)")
        #expect(sites.line("west", "Certificate/front-tls").contains("Ready — pki/certificates/front-tls: valid until"))
        #expect(try sites.skiff(["plan", "--site", "west", "--state-dir", sites.path("west")]).stdout.contains("No changes"))

        // One connection stays open while the Certificate changes; it goes on, and new ones get the new names.
        let result = sites.state.path + "/held.json"
        let held = try sites.background("/usr/bin/env", ["python3", TwoSitesPaths.root + "/Tests/Tools/tls_echo_client.py", "\(echoPort)", ca,
                                                         "\(4 * testSlowdown)", result])
        #expect(held.firstLine(timeout: 20 * testSlowdown) == "connected")
        let renamed = Fixtures.certificate("front-tls", subject: "front", hosts: ["127.0.0.1", "localhost", "front.example"], server: true)
        try sites.write(west: [renamed] + listeners, east: [])
        try sites.repo.commit("a new name")
        let reapplied = try sites.apply("west")
        #expect(reapplied.stdout.contains("~ update Credentials/front-tls (changed in git: hosts 127.0.0.1,localhost → 127.0.0.1,front.example,localhost): done"),
                "\(reapplied.stdout)")
        #expect(reapplied.stdout.contains("credentials front-tls issued"), "\(reapplied.stdout)")
        #expect(eventually(timeout: 20) {
            let shown = try? Command.run("/bin/sh", ["-c", "openssl s_client -connect 127.0.0.1:\(webPort) -CAfile \(ca) </dev/null 2>/dev/null | openssl x509 -noout -ext subjectAltName"])
            return shown?.stdout.contains("DNS:front.example") == true
        })
        held.process.waitUntilExit()
        let outcome = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: result))) as? [String: Any] ?? [:]
        #expect(outcome["first"] as? Bool == true && outcome["second"] as? Bool == true, "the open connection went on: \(outcome)")
    }

    @Test("a MultiKeyListener with requireClientCert takes only clients whose certificate chains to its credentials' CA (curl with and without one)")
    func requiredClientCertificate() throws {
        let port = try FreePort.next()
        let listener = """
            apiVersion: skupper.io/v2alpha1
            kind: MultiKeyListener
            metadata:
              name: web
            spec:
              host: 127.0.0.1
              port: \(port)
              tlsCredentials: front-tls
              requireClientCert: true
              strategy:
                priority:
                  routingKeys: [web]
            """
        let west = [Fixtures.certificate("front-tls", hosts: ["127.0.0.1"], server: true), Fixtures.certificate("app", subject: "an app", client: true),
                    listener]
        let sites = try TLSSites(west: west, east: [])
        try sites.write(west: west, east: [Fixtures.connector("web", port: try Self.webServer(sites))])
        try sites.repo.commit("backend")
        try sites.start()
        #expect(eventually { sites.line("west", "MultiKeyListener/web").contains("Ready") }, "\(sites.status("west"))")
        let ca = sites.path("west") + "/pki/ca/ca.crt", app = sites.credentials("west", "app")
        let with = try Command.run("curl", ["-sS", "--cacert", ca, "--cert", app + "/tls.crt", "--key", app + "/tls.key",
                                           "https://127.0.0.1:\(port)/hello.txt"])
        #expect(with.status == 0 && with.stdout == "hello over tls\n", "\(with.stderr)")
        let without = try Command.run("curl", ["-sS", "--cacert", ca, "https://127.0.0.1:\(port)/hello.txt"])
        #expect(without.status != 0 && without.stdout.isEmpty, "no client certificate, no answer: \(without.stderr)")
    }

    @Test("a connector speaks TLS to openssl s_server, presenting a client certificate and checking the backend's name; without the certificate, or with a name that does not match, its status says why")
    func connectorSpeaksTLS() throws {
        let (listenerPort, backendPort) = (try FreePort.next(), try FreePort.next())
        let west = [Fixtures.listener("secure", port: listenerPort)]
        func east(hosts: [String], clientCert: Bool) -> [String] {
            [Fixtures.certificate("backend-server", subject: "backend", hosts: hosts, server: true),
             Fixtures.certificate("to-backend", subject: "east router", client: true),
             Fixtures.connector("secure", port: backendPort, extra: ["tlsCredentials: to-backend", "useClientCert: \(clientCert)", "verifyHostname: true"])]
        }
        let sites = try TLSSites(west: west, east: east(hosts: ["127.0.0.1"], clientCert: true))
        try sites.start()
        let pki = sites.path("east") + "/pki"
        var backend: BackgroundProcess?
        func startBackend() throws {
            backend?.kill()
            let server = sites.credentials("east", "backend-server")
            backend = try sites.background("/usr/bin/openssl", ["s_server", "-accept", "\(backendPort)", "-cert", server + "/tls.crt", "-key", server + "/tls.key",
                                                               "-CAfile", pki + "/ca/ca.crt", "-Verify", "1", "-www"])
        }
        try startBackend()
        #expect(eventually(timeout: 20) { sites.line("east", "Connector/secure").contains("Ready") }, "\(sites.status("east"))")
        #expect(eventually(timeout: 20) {
            let page = try? Command.run("curl", ["-sS", "-m", "5", "http://127.0.0.1:\(listenerPort)/"])
            return page?.stdout.contains("s_server -accept \(backendPort)") == true
        }, "the s_server status page came back through both routers")

        try sites.write(west: west, east: east(hosts: ["127.0.0.1"], clientCert: false))
        try sites.repo.commit("no client certificate")
        #expect(try sites.apply("east").status == 0)
        #expect(eventually(timeout: 20) { sites.line("east", "Connector/secure").contains("the backend wants a client certificate (set useClientCert") },
                "\(sites.status("east"))")

        try sites.write(west: west, east: east(hosts: ["backend.example"], clientCert: true))
        try sites.repo.commit("a backend certificate for another name")
        let reapplied = try sites.apply("east")
        #expect(reapplied.stdout.contains("~ update Credentials/backend-server (changed in git: hosts 127.0.0.1 → backend.example): done"), "\(reapplied.stdout)")
        try startBackend()
        #expect(eventually(timeout: 20) {
            _ = try? Command.run("curl", ["-sS", "-m", "2", "http://127.0.0.1:\(listenerPort)/"])
            return sites.line("east", "Connector/secure").contains("Error — TLS to 127.0.0.1:\(backendPort): the backend's certificate does not name the host dialled")
        }, "\(sites.status("east"))")
    }
}
