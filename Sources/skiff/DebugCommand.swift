import ArgumentParser
import Foundation
import SkiffReconcile

/// `skiff debug`: what support needs.
struct DebugCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "Collect what support needs to see of a site.",
        subcommands: [DumpCommand.self]
    )

    struct DumpCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dump",
            abstract: "Write one .tar.gz with a site's configuration, status, routes, link states, logs and certificate summaries — never a key or a code.",
            discussion: """
                Holds: versions; skiff status (text and JSON); the live router's status (routing table, link states, \
                buffers, memory) and configuration; the end of the router's log; every record of the state directory \
                with one-time codes and other secrets removed; each certificate's subject, issuer, SANs, site, expiry \
                and SHA-256 fingerprint; and the list of files with sizes and modes. Private keys are listed by name, \
                never copied. The archive is written with mode 0600.

                Example: skiff debug dump --site west --output /tmp/west-debug.tar.gz
                """
        )

        @OptionGroup var siteOptions: SiteOptions

        @Option(name: .long, help: ArgumentHelp("The archive to write. Default: skiff-debug-<site>-<time>.tar.gz here.", valueName: "file"))
        var output: String?

        func run() throws {
            let now = Date()
            let path = output ?? DebugDump.name(site: siteOptions.site, at: now) + ".tar.gz"
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            let version = try VersionCommand.json(VersionCommand.report(site: siteOptions.site, stateDirectory: siteOptions.stateDirectory))
            let files = try DebugDump.write(site: siteOptions.site, stateDirectory: siteOptions.stateDirectory, versionJSON: version, to: absolute, now: now)
            print("Wrote \(path): \(files.count) files (\(files.joined(separator: ", "))).")
        }
    }
}
