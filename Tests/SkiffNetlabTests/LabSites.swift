import Foundation
import SkiffPKI
import SkiffRouterAPI
import SkiffSupport
import SkiffTestSupport

/// Skiff sites in a `Netlab`: each site's folder in one git repository, applied by `skiff apply`
/// run inside the site's namespace (so its router lives there), links dialled over the lab's
/// veth addresses with credentials the target's CA issues (what a token's redemption writes).
/// Routers and daemons are stopped when released, before the lab removes the namespaces.
final class LabSites: @unchecked Sendable {
    let lab: Netlab
    let repo: GitFixture
    let state = try! TemporaryDirectory("skiff-lab")
    /// Every site's link-access port (the same in every namespace).
    static let accessPort = 55671
    private var documents: [String: [String]] = [:]
    private var dialled: [(dialler: String, target: String)] = []
    var processes: [BackgroundProcess] = []

    init(_ lab: Netlab) throws {
        self.lab = lab
        repo = try GitFixture()
        for site in lab.sites {
            // Each site accepts links on every one of its addresses.
            let addresses = lab.pairs.filter { [$0.a, $0.b].contains(site) }.map { $0.address(of: site) }
            documents[site] = [Fixtures.site(site, linkAccess: "default"), """
                apiVersion: skupper.io/v2alpha1
                kind: RouterAccess
                metadata:
                  name: lab
                spec:
                  roles:
                    - name: inter-router
                      port: \(Self.accessPort)
                  bindHost: 0.0.0.0
                  subjectAlternativeNames: [\(addresses.joined(separator: ", "))]
                """]
        }
    }

    deinit {
        for process in processes { process.kill() }
        for site in lab.sites {
            _ = RouterSupervisor(stateDirectory: StateDirectory(path: path(site))).stopDaemon(timeout: 5)
            _ = RouterSupervisor(stateDirectory: StateDirectory(path: path(site))).stop(timeout: 5)
        }
    }

    func path(_ site: String) -> String { state.path + "/" + site }

    func add(_ site: String, _ document: String) {
        guard !document.isEmpty else { return }
        documents[site, default: []].append(document)
    }

    /// Removes Listener `name` from `site`'s documents.
    func remove(_ site: String, listener name: String) throws {
        documents[site] = documents[site]?.filter { !$0.contains("kind: Listener\nmetadata:\n  name: \(name)\n") }
    }

    /// `dialler` links to `target` over their veth pair (a Link in the dialler's folder), at
    /// `port` (the target's link access, unless a relay stands in front of it).
    func link(_ dialler: String, to target: String, cost: Int = 1, port: Int = accessPort) {
        dialled.append((dialler, target))
        add(dialler, Fixtures.link("to-\(target)", host: lab.address(of: target, toward: dialler), port: port, cost: cost))
    }

    /// A relay at `site` that delays everything `milliseconds` each way, in front of its link access:
    /// sites dial `site`'s address toward them at `relayPort` instead.
    func delayRelay(_ site: String, milliseconds: Int, relayPort: Int = accessPort + 1) throws {
        let relay = try lab.background(site, ["python3", Self.tools + "/delay_relay.py", "0.0.0.0", "\(relayPort)", "127.0.0.1",
                                              "\(Self.accessPort)", "\(milliseconds)"])
        processes.append(relay)
        _ = relay.firstLine()
    }

    /// Writes every site's folder and commits.
    func commit(_ message: String = "the lab's network") throws {
        for (site, documents) in documents { try repo.write("\(site)/site.yaml", documents.joined(separator: "\n---\n")) }
        try repo.commit(message)
    }

    /// `skiff apply` for `site`, inside its namespace.
    @discardableResult
    func apply(_ site: String) throws -> CommandResult {
        let result = try lab.run(site, [SkiffBinary.path, "apply", "--site", site, "--repo", repo.path, "--state-dir", path(site)])
        guard result.status == 0 else { throw Command.Failed(command: "skiff apply --site \(site)", result: result) }
        return result
    }

    /// Applies every site (targets first, so each CA exists), then gives each dialler the link
    /// credentials its target's CA issues.
    func start() throws {
        try commit()
        for site in lab.sites { try apply(site) }
        for (dialler, target) in dialled {
            let pki = SitePKI(stateDirectory: path(target))
            let credential = try pki.issueClientCertificate(link: "to-\(target)", site: target, to: dialler)
            try PEMFiles.writeCredential(credential, ca: try pki.loadCA().certificate,
                                         to: SitePKI(stateDirectory: path(dialler)).linkFolder("to-\(target)"))
        }
        // A second apply plans nothing but lets the routers pick the credentials up at once.
        for site in Set(dialled.map(\.dialler)) { try apply(site) }
    }

    /// `skiff daemon` for `site`, inside its namespace (interval 1 s, its HTTP on the namespace's loopback).
    @discardableResult
    func startDaemon(_ site: String) throws -> BackgroundProcess {
        let daemon = try lab.background(site, [SkiffBinary.path, "daemon", "--site", site, "--repo", repo.path, "--state-dir", path(site),
                                               "--interval", "1s", "--http", "127.0.0.1:8181"], logPath: state.path + "/\(site)-daemon.log")
        daemons[site] = daemon
        processes.append(daemon)
        return daemon
    }

    private(set) var daemons: [String: BackgroundProcess] = [:]

    /// The pid of `site`'s router, from its pid file.
    func routerPID(_ site: String) -> Int32? {
        (try? String(contentsOfFile: RouterProcess.pidPath(path(site)), encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func status(_ site: String) -> RouterStatus? {
        try? ManagementClient(socketPath: RouterProcess.socketPath(path(site)), timeout: 2).status()
    }

    /// Whether `site`'s link `name` (one it dials) is up.
    func up(_ site: String, _ name: String) -> Bool {
        status(site)?.links.contains { $0.name == name && $0.state == .up } ?? false
    }

    /// Every link the lab's Links ask for is up, and `site`'s listeners all have a connector.
    func converged(listenersAt site: String) -> Bool {
        dialled.allSatisfy { up($0.dialler, "to-\($0.target)") } && (status(site)?.listeners.allSatisfy(\.hasMatchingConnector) ?? false)
    }

    /// The next hop from `site` toward `destination`.
    func nextHop(_ site: String, toward destination: String) -> String? {
        status(site)?.routing?.routes.first { $0.destination == destination }?.nextHop
    }

    /// An echo server inside `site`'s namespace on 127.0.0.1:`port`.
    func echoServer(_ site: String, port: Int, extra: [String] = []) throws {
        let echo = try lab.background(site, ["python3", Self.tools + "/echo_server.py", "\(port)"] + extra)
        processes.append(echo)
        _ = echo.firstLine()
    }

    /// `flow_client.py` run inside `site`'s namespace; its JSON result.
    func flows(_ site: String, _ arguments: [String]) throws -> [String: Any] {
        let result = try lab.run(site, ["python3", Self.tools + "/flow_client.py"] + arguments, timeout: 600)
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw Command.Failed(command: "flow_client.py \(arguments.joined(separator: " ")) at \(site)", result: result)
        }
        return object
    }

    static let tools = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Tools"
}
