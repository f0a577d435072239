import ArgumentParser
import Foundation
import SkiffModel
import SkiffPlan
import SkiffReconcile

/// `skiff link`: links without tokens, as `skupper link generate` makes them.
struct LinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Generate a Link with its credentials at the target site; apply it at the dialling site.",
        discussion: """
            A token needs the target's grant server to be reachable once; a generated link needs nothing \
            but the file. At the target: skiff link generate --site west --for east --output link.yaml. At \
            the dialling site: skiff link apply link.yaml --site east (or commit it into east/, with a loud \
            warning: the file holds a private key).
            """,
        subcommands: [Generate.self, Apply.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a Link to this site and a v1 Secret with its credentials (Skupper's format).",
            discussion: """
                The client certificate is issued now by the site's CA for the site named by --for (Skiff accepts \
                a link only from the site its certificate names; Skupper's command has no such flag). The site \
                must accept links and have been applied. revoke-access ends every link generated before.

                Example: skiff link generate --site west --for east --output link.yaml
                """
        )

        @OptionGroup var source: SourceOptions
        @OptionGroup var siteOptions: SiteOptions

        @Option(name: .customLong("for"), help: ArgumentHelp("The site that will dial this one with the link.", valueName: "site"))
        var dialler: String

        @Option(name: .long, help: ArgumentHelp("The Link's (and its Secret's) name. Default: to-<site>.", valueName: "name"))
        var name: String?

        @Option(name: .long, help: ArgumentHelp("The link's routing cost, as Skupper's --cost.", valueName: "n"))
        var cost = 1

        @Option(name: .long, help: ArgumentHelp("Write to this file (mode 0600) instead of standard output.", valueName: "file"))
        var output: String?

        func validate() throws {
            guard cost >= 1 else { throw ValidationError("--cost \(cost): at least 1") }
        }

        func run() throws {
            let desired = try DesiredState.read(source.request())
            guard let site = desired.network.sites[siteOptions.site] else {
                throw ValidationError("site \"\(siteOptions.site)\" is not in \(desired.snapshot.summary)")
            }
            let yaml = try LinkGeneration.render(site: site, for: dialler, name: name, cost: cost, stateDirectory: siteOptions.stateDirectory)
            guard let output else {
                print(yaml, terminator: "")
                return
            }
            try SecretFile.write(yaml, to: output)
            FileHandle.standardError.write(Data("""
                Wrote a link from \(dialler) to \(siteOptions.site) to \(output) (mode 0600; it holds a private key).
                Next, at \(dialler): skiff link apply \(output) --site \(dialler)

                """.utf8))
        }
    }

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a Link and its Secret (from skiff or skupper link generate) at this site, without git.",
            discussion: """
                Checks the credentials, stores them under the state directory's pki/links/<link>/ and records \
                the link; a running router dials it at once, otherwise the next apply or router start does.

                Example: skiff link apply link.yaml --site east
                """
        )

        @Argument(help: ArgumentHelp("The YAML file with one Link and the Secret its tlsCredentials names.", valueName: "file"))
        var file: String

        @OptionGroup var siteOptions: SiteOptions
        @OptionGroup var lockOptions: LockOptions

        func run() throws {
            let lock = try lockOptions.lock(siteOptions, command: "skiff link apply")
            defer { withExtendedLifetime(lock) {} }
            let outcome = try ManualLink.apply(file: file, site: siteOptions.site, stateDirectory: siteOptions.stateDirectory)
            print("Applied link \(outcome.link) to \(outcome.endpoint): "
                + (outcome.routerUpdated ? "added to the running router." : "recorded; the router dials it when it next starts."))
        }
    }
}
