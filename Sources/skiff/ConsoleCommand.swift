import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SkiffConsole
import SkiffNetSupport
import SkiffSupport

/// `skiff console`: the console of a site run with `apply` (a daemon serves its own).
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Serve the web console of a site whose router runs (the daemon serves its own).",
        discussion: """
            The console shows the whole network from this site: topology, services, sites, throughput over the last \
            15 minutes and each site's GitOps state; its JSON API is under /api/v1/ (network, sites, services, \
            throughput, gitops). On loopback (the default) it is plain HTTP with no password; on any other address it \
            is HTTPS with the site's server certificate and asks for user admin with the password in \
            <state-dir>/console/password (made on first use, 0600). Runs until SIGINT or SIGTERM.

            Example: skiff console --site west --http 127.0.0.1:8181
            """
    )

    @OptionGroup var siteOptions: SiteOptions

    @Option(name: .long, help: ArgumentHelp("Address to serve the console on. Beyond loopback: HTTPS and a password.", valueName: "host:port"))
    var http: String = "127.0.0.1:8181"

    @OptionGroup var logOptions: LogOptions

    func validate() throws {
        guard HTTPAddress(argument: http) != nil else {
            throw ValidationError("--http expects HOST:PORT with a port from 1 to 65535, got \"\(http)\"")
        }
    }

    func run() async throws {
        logOptions.bootstrap()
        let logger = Logger(label: "skiff.console")
        let address = HTTPAddress(argument: http)!
        let directory = try siteOptions.existingStateDirectory()
        let access: ConsoleAccess
        do {
            access = try ConsoleAccess.forServing(on: address.host, site: siteOptions.site, stateDirectory: directory)
        } catch let error as ConsoleError {
            throw CommandFailure(error.description)
        }
        let console = ConsoleResponder(stateDirectory: directory)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let channel: Channel
        do {
            channel = try await HTTPServer.start(host: address.host, port: address.port, group: group, tls: access.tls, maxBody: 1 << 16) { request in
                if let refusal = access.refusal(request) { return loop.makeSucceededFuture(refusal) }
                if request.path == "/healthz" { return loop.makeSucceededFuture(.text(.ok, "ok\n")) }
                return console.respond(request, on: loop) ?? loop.makeSucceededFuture(.text(.notFound, "not found\n"))
            }.get()
        } catch {
            throw CommandFailure("cannot serve the console on \(http): \(error)")
        }
        logger.info("console running", metadata: ["site": "\(siteOptions.site)", "url": "\(access.url(host: address.host, port: address.port))"])
        if access.password != nil {
            logger.notice("console password", metadata: ["user": "\(ConsoleAccess.user)", "file": "\(ConsoleAccess.passwordPath(directory))"])
        }
        // SIGINT and SIGTERM end it, through ServiceLifecycle as the daemon's do.
        let services = ServiceGroup(services: [UntilShutdown()], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await services.run()
        try? await channel.close().get()
        try? await group.shutdownGracefully()
    }
}

/// A service that does nothing until a graceful shutdown is asked for.
private struct UntilShutdown: Service {
    func run() async throws {
        try? await gracefulShutdown()
    }
}
