import ArgumentParser
import Foundation
import SkiffModel
import SkiffPlan
import SkiffReconcile

/// `skiff token`: hand tokens over between sites.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue a token from a grant, or redeem one by hand.",
        discussion: """
            The four steps: (1) apply both sites; (2) at the target site, an AccessGrant in git makes its \
            router serve the grant; `skiff token issue GRANT --site TARGET` prints the AccessToken; \
            (3) hand it to the other site's owner, who commits it into that site's folder; (4) that site's \
            apply or daemon redeems it once and dials the link. `skiff token redeem` does step 4 by hand.
            """,
        subcommands: [Issue.self, Redeem.self]
    )

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the AccessToken (url, code, CA) for one of this site's grants.",
            discussion: """
                The grant must be served by the site's router (apply the site first) and still open: \
                not used up, expired or revoked. The token is a secret until redeemed.

                Example: skiff token issue east-link --site west --name to-west --output east/token.yaml
                """
        )

        @Argument(help: ArgumentHelp("The AccessGrant's name.", valueName: "grant"))
        var grant: String

        @OptionGroup var siteOptions: SiteOptions

        @Option(name: .long, help: ArgumentHelp("Name of the AccessToken (and of the link it creates). Default: the grant's name.", valueName: "name"))
        var name: String?

        @Option(name: .long, help: ArgumentHelp("Write the token to this file (mode 0600) instead of standard output.", valueName: "file"))
        var output: String?

        func validate() throws {
            // The name becomes the AccessToken's and the Link's name, and the folder of its credentials.
            for (flag, value) in [("the grant", grant), ("--name", name)] {
                if let value, let problem = ResourceName.problem(value) { throw ValidationError("\(flag): \(problem)") }
            }
        }

        func run() throws {
            let yaml = try TokenIssue.render(grant: grant, site: siteOptions.site, stateDirectory: siteOptions.stateDirectory, tokenName: name)
            guard let output else {
                print(yaml, terminator: "")
                return
            }
            try SecretFile.write(yaml, to: output)
            let site = siteOptions.site
            FileHandle.standardError.write(Data("""
                Wrote the AccessToken for grant \(grant) of site \(site) to \(output) (mode 0600).
                Next: commit it into the folder of the site that links to \(site) (never \(site)/ itself), \
                or there run `skiff token redeem \(output) --site <that site>`.

                """.utf8))
        }
    }

    struct Redeem: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Redeem an AccessToken file for link credentials, without git.",
            discussion: """
                Stores the credentials under the state directory's pki/links/<token name>/ and records the \
                link; a running router dials it at once, otherwise the next apply or router start does.

                Example: skiff token redeem token.yaml --site east
                """
        )

        @Argument(help: ArgumentHelp("The AccessToken YAML file.", valueName: "file"))
        var file: String

        @OptionGroup var siteOptions: SiteOptions
        @OptionGroup var lockOptions: LockOptions

        func run() throws {
            let lock = try lockOptions.lock(siteOptions, command: "skiff token redeem")
            defer { withExtendedLifetime(lock) {} }
            let outcome = try ManualRedemption.redeem(file: file, site: siteOptions.site, stateDirectory: siteOptions.stateDirectory)
            print("Redeemed token \(outcome.record.name) from site \(outcome.record.grantingSite ?? "?"): link \(outcome.record.name) "
                + (outcome.routerUpdated ? "added to the running router." : "recorded; the router dials it when it next starts."))
        }
    }
}
