import CMallocTuning
import Foundation
import Logging
import SkiffSupport
import NIOCore
import NIOPosix

/// `skiff router`: one site's router as a long-lived process. Reads `router/config.json`, serves
/// the management API on `router/router.sock`, writes `router/router.pid`, and runs until SIGTERM
/// or SIGINT.
public enum RouterProcess {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func configPath(_ stateDirectory: String) -> String { stateDirectory + "/router/config.json" }
    public static func socketPath(_ stateDirectory: String) -> String { stateDirectory + "/router/router.sock" }
    public static func pidPath(_ stateDirectory: String) -> String { stateDirectory + "/router/router.pid" }

    public static func loadConfig(_ stateDirectory: String) throws -> RouterConfig {
        let path = configPath(stateDirectory)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "no router configuration at \(path); `skiff apply` writes one")
        }
        do {
            return try JSONDecoder().decode(RouterConfig.self, from: data)
        } catch {
            throw Failure(description: "\(path): not a router configuration: \(error)")
        }
    }

    /// Writes the configuration atomically, so a crash never leaves half a file for the next start.
    public static func saveConfig(_ config: RouterConfig, stateDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = configPath(stateDirectory)
        try FileManager.default.createDirectory(atPath: stateDirectory + "/router", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try AtomicFile.write(try encoder.encode(config), to: path, permissions: 0o600)
    }

    /// Runs the router until a termination signal; returns after a graceful shutdown.
    public static func run(stateDirectory: String, logger: Logger) throws {
        // Never beside a live router of the same site: binding the management socket would take
        // it over while the first router still holds the site's ports and links.
        if let other = runningRouter(stateDirectory), other != getpid() {
            throw Failure(description: "a router for this site is already running (pid \(other)); `skiff stop` stops it")
        }
        keepLargeBuffersInTheHeap()
        let config = try loadConfig(stateDirectory)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let router = Router(stateDirectory: stateDirectory, loop: group.next(), logger: logger)
        try router.apply(config).wait()
        let management = try ManagementServer.start(router: router, socketPath: socketPath(stateDirectory)) { applied in
            do {
                try saveConfig(applied, stateDirectory: stateDirectory)
            } catch {
                logger.error("cannot save the router configuration", metadata: ["error": "\(error)"])
            }
        }.wait()
        try AtomicFile.write("\(getpid())\n", to: pidPath(stateDirectory), permissions: 0o644)
        logger.info("router running", metadata: ["site": "\(config.site)", "socket": "\(socketPath(stateDirectory))"])

        let stop = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }
        stop.wait()
        logger.info("router stopping")
        try? management.close().wait()
        try? router.shutdown().wait()
        unlink(socketPath(stateDirectory))
        unlink(pidPath(stateDirectory))
        _ = sources
    }

    /// The pid in `router/router.pid` when that process is alive and is a router of this state
    /// directory (a pid reused by an unrelated process does not count).
    public static func runningRouter(_ stateDirectory: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: pidPath(stateDirectory), encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0, kill(pid, 0) == 0,
              let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
        else { return nil }
        let arguments = command.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.contains("router") && arguments.contains(stateDirectory) ? pid : nil
    }

    /// Receive buffers grow to 1 MiB. glibc serves allocations that large with a fresh mmap and
    /// unmaps them on free, so every buffer costs page faults and zeroing (a fifth of a busy
    /// router's time, measured with perf). Raising the mmap threshold keeps them in the heap, where
    /// freed buffers are reused.
    static func keepLargeBuffersInTheHeap() {
        _ = skiff_tune_malloc(64 << 20, 128 << 20)
    }
}
