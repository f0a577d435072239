import Foundation
import SkiffSupport

/// Finds, starts and stops a site's router process. The router runs detached (its own session),
/// so it outlives the `skiff` that started it and keeps traffic flowing while skiff restarts.
public struct RouterSupervisor: Sendable {
    public let stateDirectory: StateDirectory

    public init(stateDirectory: StateDirectory) {
        self.stateDirectory = stateDirectory
    }

    public var client: ManagementClient { ManagementClient(socketPath: RouterProcess.socketPath(stateDirectory.path), timeout: 5) }
    public var logPath: String { stateDirectory.path + "/router/router.log" }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The running router's configuration; throws (saying why) when no router answers.
    public func liveConfig() throws -> RouterConfig {
        try client.config()
    }

    /// Changes the running router's configuration with `change`, saves it (a restarted router
    /// starts from it) and pushes it; false when no router answers or it refused the change.
    public func update(_ change: (inout RouterConfig) -> Void) -> Bool {
        guard var config = try? liveConfig() else { return false }
        change(&config)
        try? RouterProcess.saveConfig(config, stateDirectory: stateDirectory.path)
        return (try? client.put(config)) != nil
    }

    /// The router as found. Only no answer on the socket *and* no live process in the pid file
    /// means not running; anything else is a router that must not be replaced.
    public func live() -> RouterLive {
        do {
            let config = try liveConfig()
            return .running(config, unbound: (try? client.status()).map(Self.unbound) ?? [])
        } catch let failure as ManagementClient.Failure where failure.kind == .notRunning && livePID == nil {
            return .notRunning(failure.description)
        } catch {
            let process = livePID.map { "the router (pid \($0))" } ?? "the router"
            return .unresponsive("\(process) runs but does not answer: \(error); Skiff will not start a second one (`skiff stop` stops it)")
        }
    }

    /// What `status` says the router could not bind, as the planner words it: listeners and
    /// link-access ports; a grant server that cannot bind is left to apply's own check.
    static func unbound(_ status: RouterStatus) -> [String] {
        status.unboundSockets.compactMap { socket in
            switch socket.owner {
            case .listener(let name): "listener \(name) not bound: \(socket.error)"
            case .linkAccess(let role): "link access (\(role)) not bound: \(socket.error)"
            case .grantServer: nil
            }
        }
    }

    /// The pid in `router.pid`, when that process is alive. A router this process started and
    /// that died is reaped here; a zombie is not alive.
    public var livePID: Int32? {
        pid.flatMap { Self.isAlive($0) ? $0 : nil }
    }

    public static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        switch ProcessReaper.reap(pid) {
        case .ended: return false
        // Alive until it can be reaped, even as a zombie whose threads still exit: the next check
        // reaps it and keeps how it ended (it was once reported as "how is unknown").
        case .running: return true
        case .notChild: break
        }
        guard kill(pid, 0) == 0 else { return false }
        // /proc/PID/stat: "pid (name) S ..."; state Z is a zombie its parent has not reaped yet.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }

    public var pid: Int32? {
        (try? String(contentsOfFile: RouterProcess.pidPath(stateDirectory.path), encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Starts `executable router --site S --state-dir D` detached, logging to `router/router.log`,
    /// and waits (up to 10 s) until its management API answers.
    public func start(executable: String, site: String) throws {
        switch live() {
        case .running: throw Failure(description: "a router for site \(site) is already running")
        case .unresponsive(let reason): throw Failure(description: reason)
        case .notRunning: break
        }
        try FileManager.default.createDirectory(atPath: stateDirectory.path + "/router", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Close every other inherited descriptor: a pipe to whoever ran skiff must not stay open
        // for as long as the router lives (that caller would wait for end-of-file forever).
        for fd in 3..<Int32(min(sysconf(Int32(_SC_OPEN_MAX)), 65536)) where fcntl(fd, F_GETFD) != -1 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc ≥ 2.26; not exported to Swift): a session of its own, so no
        // terminal hang-up or process-group signal aimed at skiff reaches the router.
        posix_spawnattr_setflags(&attributes, Int16(0x80))
        let arguments = [executable, "router", "--site", site, "--state-dir", stateDirectory.path]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, executable, &actions, &attributes, &argv, environ)
        guard spawned == 0 else { throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))") }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if (try? client.status()) != nil { return }
            if ProcessReaper.reap(child) == .ended { break }
            usleep(50_000)
        }
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8))?.split(separator: "\n").suffix(3).joined(separator: " | ") ?? ""
        let ended = ProcessReaper.exit(of: child).map { " (it \($0))" } ?? ""
        throw Failure(description: "the router did not start\(ended); \(logPath): \(log)")
    }

    /// Stops the router (SIGTERM, then SIGKILL after `timeout`); returns whether one was running.
    @discardableResult
    public func stop(timeout: Double = 10) -> Bool {
        Self.terminate(pid, timeout: timeout)
    }

    /// Stops the site's daemon, if one runs (it would start the router again).
    @discardableResult
    public func stopDaemon(timeout: Double = 10) -> Bool {
        let pid = (try? String(contentsOfFile: stateDirectory.daemonPIDPath, encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        defer { unlink(stateDirectory.daemonPIDPath) }
        return Self.terminate(pid, timeout: timeout)
    }

    static func terminate(_ pid: Int32?, timeout: Double) -> Bool {
        guard let pid, isAlive(pid) else { return false }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        // isAlive reaps a child of this process as soon as it ends (a zombie is not alive).
        while isAlive(pid), Date() < deadline { usleep(50_000) }
        if isAlive(pid) { kill(pid, SIGKILL) }
        return true
    }
}
