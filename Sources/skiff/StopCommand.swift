import ArgumentParser
import Foundation
import SkiffReconcile
import SkiffRouterAPI

struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a site's daemon and router, keeping its state (or deleting it with --purge).",
        discussion: """
            The next `skiff apply` brings the site back with the same CA and credentials. With --purge the \
            state directory is deleted too: the CA and every credential are gone for good.

            Example: skiff stop --site west
            """
    )

    @OptionGroup var siteOptions: SiteOptions
    @OptionGroup var lockOptions: LockOptions

    @Flag(help: "Also delete the site's state directory (CA, credentials, records).")
    var purge = false

    func run() throws {
        let directory = siteOptions.stateDirectory
        let supervisor = RouterSupervisor(stateDirectory: directory)
        // The daemon holds the site's lock while it runs: it is stopped first, then the lock is
        // taken (so no apply starts a router behind our back) before the router is stopped.
        if supervisor.stopDaemon() { print("Stopped the daemon of site \(siteOptions.site).") }
        let lock = try lockOptions.lock(siteOptions, command: "skiff stop", onlyIfExists: true)
        defer { withExtendedLifetime(lock) {} }
        let stopped = supervisor.stop()
        print(stopped ? "Stopped the router of site \(siteOptions.site)." : "No router of site \(siteOptions.site) was running.")
        guard purge else { return }
        guard let contents = try directory.purge() else {
            print("Nothing to purge: \(directory.path) does not exist.")
            return
        }
        print("Deleted \(directory.path) (\(contents.joined(separator: ", "))).")
    }
}
