import Foundation
import SkiffPKI
import SkiffRouter
import SkiffRouterAPI
import SkiffTestSupport

/// Several real router processes on loopback, linked as a test describes. One CA signs every
/// router's server certificate and one shared link credential, so any router may dial any other.
/// Every process (routers and echo servers) is stopped when the value is released, pass or fail.
final class RouterNetwork: @unchecked Sendable {
    let root = try! TemporaryDirectory("skiff-network")
    private(set) var accessPorts: [String: Int] = [:]
    private(set) var configs: [String: RouterConfig] = [:]
    private var routers: [String: BackgroundProcess] = [:]
    private var echoServers: [BackgroundProcess] = []
    let tuning: RouterTuning

    init(_ names: [String], tuning: RouterTuning = .defaults) throws {
        self.tuning = tuning
        let template = root.path + "/template"
        let pki = SitePKI(stateDirectory: template)
        let ca = try pki.createCA(site: "network")
        for name in names {
            try FileManager.default.createDirectory(atPath: path(name), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: template + "/pki", toPath: path(name) + "/pki")
            // Each router's certificates name it: a peer checks HELLO against them.
            let own = SitePKI(stateDirectory: path(name))
            try own.issueServerCertificate(site: name, hosts: ["127.0.0.1"])
            try PEMFiles.writeCredential(try own.issueClientCertificate(link: "mesh", site: "network", to: name), ca: ca.certificate,
                                         to: own.linkFolder("mesh"))
            accessPorts[name] = try FreePort.next()
            configs[name] = RouterConfig(site: name, linkAccess: [.init(role: "inter-router", host: "127.0.0.1", port: accessPorts[name]!)],
                                         tuning: tuning)
        }
    }

    func path(_ name: String) -> String { root.path + "/" + name }

    /// `from` dials `to` at `cost`.
    func link(_ from: String, _ to: String, cost: Int = 1) {
        configs[from]?.links.append(.init(name: "to-\(to)", host: "127.0.0.1", port: accessPorts[to]!, cost: cost, credentials: "mesh"))
    }

    /// A listener for `key` at `name`; returns its port.
    @discardableResult
    func listener(_ name: String, key: String) throws -> Int {
        let port = try FreePort.next()
        configs[name]?.listeners.append(.init(name: key, routingKey: key, host: "127.0.0.1", port: port))
        return port
    }

    /// A MultiKeyListener at `name` whose `strategy` picks the key of each connection; returns its port.
    @discardableResult
    func listener(_ name: String, named listenerName: String, strategy: KeyStrategy) throws -> Int {
        let port = try FreePort.next()
        configs[name]?.listeners.append(.init(name: listenerName, routingKey: strategy.routingKeys[0], host: "127.0.0.1", port: port, strategy: strategy))
        return port
    }

    /// A connector for `key` at `name` to a new echo server; returns the echo server's port.
    @discardableResult
    func connector(_ name: String, key: String, named connectorName: String? = nil) throws -> Int {
        let echo = try BackgroundProcess("/usr/bin/env", ["python3", TwoSites.root + "/Tests/Tools/echo_server.py"])
        guard let line = echo.firstLine(), let port = Int(line) else { throw TwoSites.SetupError(message: "the echo server did not start") }
        echoServers.append(echo)
        connector(name, key: key, port: port, named: connectorName)
        return port
    }

    /// A connector for `key` at `name` to whatever is (or is not) at `port`.
    func connector(_ name: String, key: String, port: Int, named connectorName: String? = nil) {
        configs[name]?.connectors.append(.init(name: connectorName ?? key, routingKey: key, host: "127.0.0.1", port: port))
    }

    func makeEdge(_ name: String) {
        configs[name]?.edge = true
        configs[name]?.linkAccess = []
    }

    func start(_ names: [String]? = nil) throws {
        for name in names ?? configs.keys.sorted() {
            try RouterProcess.saveConfig(configs[name]!, stateDirectory: path(name))
            routers[name] = try BackgroundProcess(SkiffBinary.path, ["router", "--site", name, "--state-dir", path(name)],
                                                  logPath: path(name) + "/router.log")
            _ = eventually { FileManager.default.fileExists(atPath: RouterProcess.socketPath(self.path(name))) }
        }
    }

    func kill(_ name: String) {
        routers[name]?.kill()
        routers[name] = nil
        unlink(RouterProcess.socketPath(path(name)))
    }

    /// SIGSTOP (or SIGCONT): the router freezes with its sockets open, as a hung host does; only
    /// keepalive can tell.
    func freeze(_ name: String, _ frozen: Bool = true) {
        guard let process = routers[name]?.process else { return }
        Foundation.kill(process.processIdentifier, frozen ? SIGSTOP : SIGCONT)
    }

    /// Whether `name`'s router process is still running (it has not crashed).
    func isRunning(_ name: String) -> Bool { routers[name]?.process.isRunning ?? false }

    func client(_ name: String) -> ManagementClient { ManagementClient(socketPath: RouterProcess.socketPath(path(name))) }

    func status(_ name: String) -> RouterStatus? { try? client(name).status() }

    /// `from`'s route to `destination` as "nextHop/cost", if any.
    func route(_ from: String, _ destination: String) -> String? {
        status(from)?.routing?.routes.first { $0.destination == destination }.map { "\($0.nextHop)/\($0.cost)" }
    }

    /// Pushes `name`'s configuration to its running router.
    func reconfigure(_ name: String, _ change: (inout RouterConfig) -> Void) throws {
        change(&configs[name]!)
        try client(name).put(configs[name]!)
    }

    func flows(_ arguments: [String]) throws -> [String: Any] {
        let result = try Command.check("python3", [TwoSites.root + "/Tests/Tools/flow_client.py"] + arguments)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    func log(_ name: String) -> String { (try? String(contentsOfFile: path(name) + "/router.log", encoding: .utf8)) ?? "" }

    deinit {
        for name in routers.keys { freeze(name, false) }
        for router in routers.values { router.terminate(timeout: 2) }
        for echo in echoServers { echo.kill() }
    }
}
