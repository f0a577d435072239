import ArgumentParser
import Foundation
import Logging
import SkiffReconcile
import SkiffRouterHost

struct RouterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Run a site's router: the long-lived process that carries the traffic.",
        discussion: """
            Reads <state-dir>/router/config.json, accepts and dials links (mutual TLS 1.3 with the \
            certificates under <state-dir>/pki), binds listeners, dials connectors, and serves its \
            management API on <state-dir>/router/router.sock until SIGTERM.

            Example: skiff router --site west --state-dir /var/lib/skiff/west
            """
    )

    @OptionGroup var siteOptions: SiteOptions

    @OptionGroup var logOptions: LogOptions

    func run() throws {
        logOptions.bootstrap()
        try RouterHost.run(stateDirectory: siteOptions.stateDirectory.path, logger: Logger(label: "skiff.router"))
    }
}
