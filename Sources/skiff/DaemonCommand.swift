import ArgumentParser
import Foundation
import Logging
import Metrics
import NIOPosix
import Prometheus
import ServiceLifecycle
import SkiffConsole
import SkiffModel
import SkiffPlan
import SkiffReconcile
import SkiffSource
import SkiffSupport

struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Keep one site converged with git: fetch, validate, plan and apply in a loop.",
        discussion: """
            Each cycle fetches --ref, validates it, and applies the plan. A commit that does not validate is \
            reported (log, status, metrics) and never applied: the site keeps running the last good commit, and \
            drift is corrected every cycle. POST /hooks/git (a push from GitHub, GitLab, Gitea or Forgejo) and SIGHUP \
            start a cycle at once; SIGTERM stops the daemon after its cycle. The router runs in its own \
            process: stopping or restarting the daemon (even kill -9) drops no flow.

            The same address serves the console at / and its JSON API under /api/v1/. On loopback (the default) it \
            is plain HTTP with no password; on any other address it is HTTPS with the site's server certificate and \
            asks for user admin with the password in <state-dir>/console/password (made on first use, 0600).

            Example: skiff daemon --site west --repo https://git.example.com/net.git --path network --http 127.0.0.1:8181
            """
    )

    @OptionGroup var source: SourceOptions
    @OptionGroup var siteOptions: SiteOptions
    @OptionGroup var lockOptions: LockOptions
    @OptionGroup var trust: TrustOptions

    @Option(name: .long, help: ArgumentHelp("Time between cycles, a duration such as 30s or 5m.", valueName: "duration"))
    var interval: String = "30s"

    @Option(name: .long, help: ArgumentHelp("Address for the console (/), its API (/api/v1/), /healthz, /readyz, /metrics and /hooks/git. Beyond loopback: HTTPS and a password.", valueName: "host:port"))
    var http: String = "127.0.0.1:8181"

    @Option(name: .customLong("webhook-secret-file"), help: ArgumentHelp("File holding the webhook secret: the HMAC key of X-Hub-Signature-256 (GitHub) and X-Gitea-Signature (Gitea, Forgejo), or the X-Gitlab-Token (GitLab).", valueName: "file"))
    var webhookSecretFile: String?

    @OptionGroup var logOptions: LogOptions

    func validate() throws {
        guard let seconds = GoDuration.seconds(parsing: interval), seconds >= 1 else {
            throw ValidationError("--interval expects a duration of at least 1s such as 30s, got \"\(interval)\"")
        }
        guard HTTPAddress(argument: http) != nil else {
            throw ValidationError("--http expects HOST:PORT with a port from 1 to 65535, got \"\(http)\"")
        }
    }

    func run() async throws {
        // Held for the daemon's whole life: no apply, redeem or second daemon changes the site
        // beside it (the kernel releases it when the process ends, however it ends).
        let lock = try lockOptions.lock(siteOptions, command: "skiff daemon")
        defer { withExtendedLifetime(lock) {} }
        logOptions.bootstrap()
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var secret: String?
        if let webhookSecretFile {
            guard let text = try? String(contentsOfFile: webhookSecretFile, encoding: .utf8) else {
                throw ValidationError("cannot read the webhook secret from \(webhookSecretFile)")
            }
            secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var options = DaemonOptions(
            site: siteOptions.site, source: source.request(), stateDirectory: siteOptions.stateDirectory,
            interval: GoDuration.seconds(parsing: interval) ?? 30,
            routerExecutable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path, webhookSecret: secret)
        if let policy = try trust.policy() {
            options.verifyCommit = { snapshot in
                guard let commit = snapshot.commit else { return "\(snapshot.summary) is not a commit: signed commits need a git repository" }
                if case .refused(let why) = policy.check(commit: commit.id, signature: snapshot.signature) { return why }
                return nil
            }
        }
        let daemon = Daemon(options: options)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let address = HTTPAddress(argument: http)!
        // Off loopback the console needs the site's server certificate: a new site gets it in its first cycle.
        if !ConsoleAccess.isLoopback(address.host), !ConsoleAccess.hasServerCertificate(options.stateDirectory) { daemon.cycle() }
        let access = try ConsoleAccess.forServing(on: address.host, site: options.site, stateDirectory: options.stateDirectory)
        let console = ConsoleResponder(stateDirectory: options.stateDirectory)
        let server = try await DaemonHTTPServer.start(
            daemon: daemon, host: address.host, port: address.port, group: group, tls: access.tls, gate: access.refusal,
            console: { console.respond($0, on: $1) }) { registry.emitToString() }.get()
        let logger = Logger(label: "skiff.daemon")
        FetchProgress.report { line in logger.info("\(line)") }
        try FileManager.default.createDirectory(atPath: options.stateDirectory.path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try AtomicFile.write(Data("\(getpid())\n".utf8), to: options.stateDirectory.daemonPIDPath, permissions: 0o644)
        defer { unlink(options.stateDirectory.daemonPIDPath) }
        logger.info("daemon running", metadata: ["site": "\(options.site)", "http": "\(http)", "console": "\(access.url(host: address.host, port: address.port))"])
        if access.password != nil {
            logger.notice("console password", metadata: ["user": "\(ConsoleAccess.user)", "file": "\(ConsoleAccess.passwordPath(options.stateDirectory))"])
        }
        // SIGHUP starts a cycle at once (as a webhook does): `systemctl reload` and `kill -HUP`.
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler {
            logger.info("SIGHUP: starting a cycle")
            daemon.trigger()
        }
        hangup.resume()
        defer { hangup.cancel() }
        // SIGTERM and SIGINT shut down gracefully: the current cycle finishes, the router keeps running.
        let services = ServiceGroup(services: [DaemonService(daemon: daemon, logger: logger)],
                                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await services.run()
        try? await server.close().get()
        try? await group.shutdownGracefully()
    }
}
