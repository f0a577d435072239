import Foundation
import Logging
import NIOCore
import NIOPosix
import SkiffAccessHTTPS
import SkiffRouter
import SkiffRouterAPI
import SkiffSupport

/// `skiff router`: one site's router as a long-lived process, with its grant server beside it.
/// Reads `router/config.json`, serves the management API on `router/router.sock`, writes
/// `router/router.pid` (`RouterProcess` names the files), and runs until SIGTERM or SIGINT.
public enum RouterHost {
    public typealias Failure = RouterProcess.Failure

    /// Runs the router until a termination signal; returns after a graceful shutdown.
    public static func run(stateDirectory: String, logger: Logger) throws {
        // Never beside a live router of the same site: binding the management socket would take
        // it over while the first router still holds the site's ports and links.
        if let other = RouterProcess.runningRouter(stateDirectory), other != getpid() {
            throw Failure(description: "a router for this site is already running (pid \(other)); `skiff stop` stops it")
        }
        let config = try RouterProcess.loadConfig(stateDirectory)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let grants = GrantServerCompanion(GrantServer(stateDirectory: stateDirectory, loop: loop, logger: logger))
        let router = Router(stateDirectory: stateDirectory, loop: loop, logger: logger, companions: [grants, ProcessMemoryCompanion(loop: loop, logger: logger)])
        try router.apply(config).wait()
        // What the reconciler last reported goes round again with this router's first summaries.
        if let report = GitOpsFile.load(stateDirectory) { try router.setGitOps(report).wait() }
        let management = try ManagementServer.start(router: router, socketPath: RouterProcess.socketPath(stateDirectory), onConfig: { applied in
            do {
                try RouterProcess.saveConfig(applied, stateDirectory: stateDirectory)
            } catch {
                logger.error("cannot save the router configuration", metadata: ["error": "\(error)"])
            }
        }, onGitOps: { report in
            do {
                try GitOpsFile.save(report, stateDirectory: stateDirectory)
            } catch {
                logger.warning("cannot save the reconciler's report", metadata: ["error": "\(error)"])
            }
        }).wait()
        try AtomicFile.write("\(getpid())\n", to: RouterProcess.pidPath(stateDirectory), permissions: 0o644)
        logger.info("router running", metadata: ["site": "\(config.site)", "socket": "\(RouterProcess.socketPath(stateDirectory))"])

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
        unlink(RouterProcess.socketPath(stateDirectory))
        unlink(RouterProcess.pidPath(stateDirectory))
        _ = sources
    }
}
