import Foundation
import SkiffPKI
import SkiffRouter
import SkiffRouterAPI
import SkiffTestSupport

/// Two real router processes on loopback: `west` accepts links and has a listener; `east` dials
/// west (west never dials east) and has a connector to a real echo server. Everything is stopped
/// when the value is released.
final class TwoSites: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    let west = try! TemporaryDirectory("skiff-west")
    let east = try! TemporaryDirectory("skiff-east")
    let accessPort: Int
    let listenerPort: Int
    let echoPort: Int
    let echo: BackgroundProcess
    var westRouter: BackgroundProcess?
    var eastRouter: BackgroundProcess?

    /// Whether the routers run as an unprivileged user: as root, they run as nobody (setpriv, from
    /// util-linux) in state folders nobody owns, as the systemd unit's `DynamicUser` would run them.
    let unprivileged: Bool

    init(tuning: RouterTuning = .defaults, unprivileged: Bool = false) throws {
        self.unprivileged = unprivileged
        accessPort = try FreePort.next()
        listenerPort = try FreePort.next()
        echo = try BackgroundProcess("/usr/bin/env", ["python3", Self.root + "/Tests/Tools/echo_server.py"])
        guard let line = echo.firstLine(), let port = Int(line) else { throw SetupError(message: "the echo server did not start") }
        echoPort = port
        try makeCertificates()
        try RouterProcess.saveConfig(westConfig(tuning: tuning), stateDirectory: west.path)
        try RouterProcess.saveConfig(eastConfig(tuning: tuning), stateDirectory: east.path)
        if unprivileged {
            for folder in [west.path, east.path] { try Unprivileged.handOver(folder) }
        }
        westRouter = try startRouter(west.path, site: "west")
        eastRouter = try startRouter(east.path, site: "east")
        guard waitForLink() else { throw SetupError(message: "the link did not come up: \(log("west"))\(log("east"))") }
    }

    struct SetupError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    func westConfig(tuning: RouterTuning = .defaults, listeners extra: [RouterConfig.Listener] = []) -> RouterConfig {
        RouterConfig(site: "west", linkAccess: [.init(role: "inter-router", host: "127.0.0.1", port: accessPort)],
                     listeners: [.init(name: "backend", routingKey: "backend", host: "127.0.0.1", port: listenerPort)] + extra,
                     tuning: tuning)
    }

    func eastConfig(tuning: RouterTuning = .defaults, connectors extra: [RouterConfig.Connector] = []) -> RouterConfig {
        RouterConfig(site: "east", links: [.init(name: "to-west", host: "127.0.0.1", port: accessPort)],
                     connectors: [.init(name: "backend", routingKey: "backend", host: "127.0.0.1", port: echoPort)] + extra,
                     tuning: tuning)
    }

    /// West's CA issues west's server certificate and east's link credentials.
    private func makeCertificates() throws {
        let westPKI = SitePKI(stateDirectory: west.path)
        let ca = try westPKI.createCA(site: "west")
        try westPKI.issueServerCertificate(site: "west", hosts: ["127.0.0.1", "localhost"])
        let credential = try westPKI.issueClientCertificate(link: "to-west", site: "west", to: "east")
        try PEMFiles.writeCredential(credential, ca: ca.certificate, to: SitePKI(stateDirectory: east.path).linkFolder("to-west"))
        _ = try SitePKI(stateDirectory: east.path).createCA(site: "east")
    }

    func startRouter(_ stateDirectory: String, site: String) throws -> BackgroundProcess {
        let router = [SkiffBinary.path, "router", "--site", site, "--state-dir", stateDirectory]
        let command = unprivileged ? Unprivileged.command(router) : router
        let process = try BackgroundProcess(command[0], Array(command.dropFirst()), logPath: stateDirectory + "/router.log")
        _ = eventually { FileManager.default.fileExists(atPath: RouterProcess.socketPath(stateDirectory)) }
        return process
    }

    func restartEast() throws {
        eastRouter = try startRouter(east.path, site: "east")
    }

    func log(_ site: String) -> String {
        (try? String(contentsOfFile: (site == "west" ? west.path : east.path) + "/router.log", encoding: .utf8)) ?? ""
    }

    /// Waits until west sees east's link up with its routing keys.
    func waitForLink(timeout: Double = 10) -> Bool {
        eventually(timeout: timeout) {
            (try? status("west"))?.links.contains { $0.state == .up && $0.peerRoutingKeys.contains("backend") } ?? false
        }
    }

    // MARK: Management API through curl

    func status(_ site: String) throws -> RouterStatus {
        let socket = RouterProcess.socketPath(site == "west" ? west.path : east.path)
        let result = try Command.check("curl", ["-sf", "--max-time", "5", "--unix-socket", socket, "http://localhost/v1/status"])
        return try JSONDecoder().decode(RouterStatus.self, from: Data(result.stdout.utf8))
    }

    @discardableResult
    func put(_ config: RouterConfig, site: String) throws -> CommandResult {
        let socket = RouterProcess.socketPath(site == "west" ? west.path : east.path)
        let body = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        return try Command.check("curl", ["-sf", "--max-time", "10", "-X", "PUT", "--data-binary", "@-", "--unix-socket", socket,
                                          "http://localhost/v1/config"], input: body)
    }

    // MARK: Traffic

    /// One flow to `port` held open, a byte echoed every 0.1 s, until something breaks it
    /// (`flow_client.py hold`: prints "connected", then how and when it broke).
    static func heldFlow(to port: Int) throws -> BackgroundProcess {
        try BackgroundProcess("/usr/bin/env", ["python3", root + "/Tests/Tools/flow_client.py", "hold", "\(port)", "120", "0.1"])
    }

    func flows(_ arguments: [String]) throws -> [String: Any] {
        let result = try Command.check("python3", [Self.root + "/Tests/Tools/flow_client.py"] + arguments)
        // The result is the last line (a mode may print progress before it).
        let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        guard let object = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] else {
            throw SetupError(message: "flow_client printed \(result.stdout)")
        }
        return object
    }
}
