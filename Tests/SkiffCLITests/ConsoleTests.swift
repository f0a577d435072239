import Foundation
import SkiffRouterAPI
import SkiffSupport
import SkiffTestSupport
import Testing

/// The console as a user sees it: three sites linked through git (west accepts east and north;
/// north's listener reaches east's echo server through west), traffic flowing, `skiff console`
/// serving west's view. Checked with tools nobody here wrote: headless Chromium runs the page's
/// scripts and dumps the DOM, curl calls the API. Routers and the console are stopped at the end.
final class ConsoleSites: @unchecked Sendable {
    let sites: GitTrustedSites
    let port: Int
    var console: BackgroundProcess?

    init() throws {
        sites = try GitTrustedSites()
        try sites.writeNetwork(accepting: ["east", "north"], linking: ["east", "north"])
        try sites.repo.commit("west accepts links from east and north; both link to west")
        for site in GitTrustedSites.names {
            let applied = try sites.apply(site)
            guard applied.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: applied.stderr]) }
        }
        port = try FreePort.next()
        console = try BackgroundProcess(SkiffBinary.path, ["console", "--site", "west", "--state-dir", sites.path("west"),
                                                           "--http", "127.0.0.1:\(port)"], logPath: sites.state.path + "/console.log")
        _ = eventually { (try? self.curl("/healthz"))?.status == 0 }
    }

    func curl(_ path: String) throws -> CommandResult {
        try Command.run("curl", ["-sf", "--max-time", "5", "http://127.0.0.1:\(port)\(path)"])
    }

    func json(_ path: String) -> [String: Any]? {
        guard let result = try? curl(path), result.status == 0 else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    }

    /// West's network view through the API.
    func network() -> [String: Any]? { json("/api/v1/network") }

    func linkStates() -> [String: String] {
        let links = network()?["links"] as? [[String: Any]] ?? []
        return Dictionary(links.map { ("\($0["from"] ?? "?")>\($0["to"] ?? "?")", $0["state"] as? String ?? "?") }, uniquingKeysWith: { a, _ in a })
    }

    /// The page after its scripts ran in headless Chromium (and a screenshot beside the test's artefacts).
    func dom(screenshot: String? = nil) throws -> String {
        var arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(sites.state.path)/chromium",
                         "--virtual-time-budget=8000", "--window-size=1280,900"]
        if let screenshot { arguments.append("--screenshot=\(screenshot)") } else { arguments.append("--dump-dom") }
        let result = try Command.run("timeout", ["60", "chromium"] + arguments + ["http://127.0.0.1:\(port)/"])
        return result.stdout
    }

    /// Traffic through north's listener (north → west → east) for `seconds`, in the background.
    func traffic(seconds: Int) throws -> BackgroundProcess {
        try BackgroundProcess("/usr/bin/env", ["python3", TwoSitesPaths.root + "/Tests/Tools/flow_client.py", "load", "\(sites.northListenerPort)",
                                               "\(seconds)", "4"])
    }

    deinit { console?.terminate() }
}

@Suite("the console", .serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")))
struct ConsoleTests {
    static let artefacts = TwoSitesPaths.root + "/.build/test-artefacts"

    @Test("Chromium shows every site, every link up, every service with its listener and connector sites, live throughput; a killed link shows down within seconds")
    func page() throws {
        let sites = try ConsoleSites()
        let load = try sites.traffic(seconds: 40)
        defer { load.terminate() }
        // Every site's summary reaches west, with rates from the traffic (a summary every 5 s).
        #expect(eventually(timeout: 25) {
            let services = sites.network()?["services"] as? [[String: Any]] ?? []
            return (services.first?["rate"] as? Double ?? 0) > 0 && sites.linkStates().count == 2
        }, "\(sites.network() ?? [:])")

        let dom = try sites.dom()
        for site in GitTrustedSites.names { #expect(dom.contains("data-site=\"\(site)\""), "site \(site) in the page") }
        #expect(dom.contains("data-from=\"east\" data-to=\"west\" data-state=\"up\""), "\(dom.prefix(3000))")
        #expect(dom.contains("data-from=\"north\" data-to=\"west\" data-state=\"up\""))
        #expect(dom.contains("data-service=\"backend\" data-reachable=\"true\""))
        // The service's row names both listener sites and the connector's.
        let row = dom.components(separatedBy: "data-service=\"backend\"").dropFirst().first ?? ""
        let listeners = row.components(separatedBy: "class=\"connectors\"").first ?? ""
        #expect(listeners.contains("north: north-backend") && listeners.contains("west: backend"), "\(row.prefix(1500))")
        #expect(row.contains("east: backend"))
        let total = dom.range(of: #"data-bytes-per-second="(\d+)""#, options: .regularExpression).map { String(dom[$0]) } ?? ""
        #expect(Int(total.filter(\.isNumber)) ?? 0 > 0, "throughput shown: \(total)")
        try FileManager.default.createDirectory(atPath: Self.artefacts, withIntermediateDirectories: true)
        _ = try sites.dom(screenshot: Self.artefacts + "/console.png")
        #expect(FileManager.default.fileExists(atPath: Self.artefacts + "/console.png"))

        // North's router dies: west's view shows its link down, and north unreachable, within seconds.
        let killed = Date()
        RouterSupervisor(stateDirectory: StateDirectory(path: sites.sites.path("north"))).stop(timeout: 5)
        #expect(eventually(timeout: 10) { sites.linkStates()["north>west"] == "down" }, "\(sites.linkStates())")
        let seconds = Date().timeIntervalSince(killed)
        print("console: north's link shown down \(String(format: "%.1f", seconds)) s after its router was stopped")
        let after = try sites.dom()
        #expect(after.contains("data-from=\"north\" data-to=\"west\" data-state=\"down\""), "shown down \(seconds) s after the kill")
        #expect(after.contains("data-site=\"north\" data-kind=\"interior\" data-state=\"unreachable\""))
        #expect(after.contains("data-from=\"east\" data-to=\"west\" data-state=\"up\""))
    }

    @Test("every API endpoint answers JSON with a format_version; skiff network status prints the network from any site; no secret in any answer")
    func api() throws {
        let sites = try ConsoleSites()
        #expect(eventually(timeout: 20) { sites.linkStates() == ["east>west": "up", "north>west": "up"] }, "\(sites.linkStates())")
        for endpoint in ["network", "sites", "services", "throughput", "gitops"] {
            let answer = sites.json("/api/v1/\(endpoint)")
            #expect(answer?["format_version"] as? Int == 1, "\(endpoint): \(answer ?? [:])")
        }
        let gitops = sites.json("/api/v1/gitops")?["sites"] as? [[String: Any]] ?? []
        let west = gitops.first { $0["name"] as? String == "west" }?["gitops"] as? [String: Any]
        #expect(west?["reconciler"] as? String == "apply" && (west?["certificates"] as? [Any])?.isEmpty == false, "\(gitops)")
        #expect(try sites.curl("/api/v1/nothing").status != 0, "an unknown endpoint is an error")
        let page = try sites.curl("/")
        #expect(page.stdout.contains("<title>Skiff console</title>") && !page.stdout.contains("http://") && !page.stdout.contains("https://"),
                "no asset from elsewhere")

        // From north, two hops from east: the same network.
        var text = CommandResult(status: -1, stdout: "", stderr: "")
        #expect(try eventually(timeout: 10) {
            text = try sites.sites.skiff(["network", "status", "--site", "north", "--state-dir", sites.sites.path("north")])
            return text.stdout.contains("3 sites, 2 of 2 links up, 1 services")
        }, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.contains("connector  east   backend"), "\(text.stdout)")
        let json = try sites.sites.skiff(["network", "status", "--site", "north", "--state-dir", sites.sites.path("north"), "--output", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["sites"] as? [Any])?.count == 3 && object?["site"] as? String == "north")

        // Nothing secret: no key material or token code in what the API serves.
        let everything = ["network", "sites", "services", "throughput", "gitops"].compactMap { try? sites.curl("/api/v1/\($0)").stdout }.joined()
        #expect(!everything.contains("PRIVATE KEY") && !everything.contains("\"code\""))

        // A site never applied, or whose router is not running, has nothing to show: one clear line each.
        let never = try SkiffBinary.run(["network", "status", "--site", "nowhere", "--state-dir", sites.sites.state.path + "/nowhere"])
        #expect(never.status == 1 && never.stderr.contains("site nowhere has no state directory at"), "\(never.stderr)")
        try FileManager.default.createDirectory(atPath: sites.sites.state.path + "/idle", withIntermediateDirectories: true)
        let stopped = try SkiffBinary.run(["network", "status", "--site", "idle", "--state-dir", sites.sites.state.path + "/idle"])
        #expect(stopped.status == 1 && stopped.stderr.contains("site idle: the router is not running"), "\(stopped.stderr)")
        let console = try SkiffBinary.run(["console", "--site", "nowhere", "--state-dir", sites.sites.state.path + "/nowhere"])
        #expect(console.status == 1 && console.stderr.contains("site nowhere has no state directory at"), "\(console.stderr)")
    }

    @Test("off loopback the console is HTTPS with the site's server certificate and answers 401 without the password")
    func offLoopback() throws {
        let sites = try ConsoleSites()
        // A private network namespace whose only interface carries a documentation address: nothing
        // leaves the host, and the namespace goes with the processes, pass or fail.
        let state = sites.sites.path("west")
        let script = """
            ip link set lo up && ip addr add 192.0.2.10/32 dev lo || exit 90
            \(SkiffBinary.path) console --site west --state-dir \(state) --http 192.0.2.10:8443 >\(sites.sites.state.path)/tls-console.log 2>&1 &
            console=$!
            trap 'kill $console' EXIT
            for i in $(seq 50); do curl -s -o /dev/null --max-time 1 -k https://192.0.2.10:8443/healthz && break; sleep 0.1; done
            ca=\(sites.sites.repo.path)/west/ca.crt
            echo "plain $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://192.0.2.10:8443/api/v1/network)"
            echo "wrong $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -k -u admin:nope https://192.0.2.10:8443/api/v1/sites)"
            echo "right $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -k -u admin:$(cat \(state)/console/password) https://192.0.2.10:8443/api/v1/sites)"
            echo "page $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -k https://192.0.2.10:8443/)"
            echo "health $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -k https://192.0.2.10:8443/healthz)"
            openssl s_client -connect 192.0.2.10:8443 -CAfile $ca </dev/null 2>&1 | grep -E 'Verify return code|TLSv1' | head -3
            """
        let result = try Command.run("unshare", ["--net", "--map-root-user", "/bin/sh", "-c", script])
        try #require(result.status != 90, "cannot make a network namespace here: \(result.stderr)")
        let out = result.stdout
        #expect(out.contains("plain 000") || out.contains("plain 400"), "no plain HTTP: \(out)")
        #expect(out.contains("wrong 401") && out.contains("page 401"), "\(out)")
        #expect(out.contains("right 200"), "\(out)\n\(result.stderr)")
        #expect(out.contains("health 200"), "probes need no password")
        #expect(out.contains("TLSv1.3") && out.contains("Verify return code: 0 (ok)"), "served with a certificate of west's CA: \(out)")
        let mode = try FileManager.default.attributesOfItem(atPath: state + "/console/password")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
