import ArgumentParser
import SkiffModel
import SkiffScaffold

/// `skiff grant`: write an AccessGrant into a site's folder.
struct GrantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Write (or remove) an AccessGrant: permission for other sites to link here.",
        discussion: "Once committed and applied, skiff token issue NAME --site SITE prints the token to hand over.",
        subcommands: [Create.self, Delete.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write SITE/grant-NAME.yaml.",
            discussion: "Example: skiff grant create east-link --site west --redemptions 2 --expiration 1h --commit"
        )

        @Argument(help: ArgumentHelp("The grant's name.", valueName: "name"))
        var name: String

        @Option(name: .long, help: ArgumentHelp("The site that grants (its folder).", valueName: "site"), completion: SiteCompletion.kind)
        var site: String

        @Option(name: [.customLong("redemptions"), .customLong("redemptions-allowed")], help: ArgumentHelp("How many tokens may be redeemed (Skupper's default too).", valueName: "n"))
        var redemptions = 1

        @Option(name: [.customLong("expiration"), .customLong("expiration-window")], help: ArgumentHelp(
            "How long the grant is open once served, a Go duration such as 1h30m (Skupper's default too).", valueName: "duration"))
        var expiration = "15m"

        @OptionGroup var target: ScaffoldTarget
        @OptionGroup var create: CreateOptions

        func validate() throws {
            guard redemptions >= 1 else { throw ValidationError("--redemptions \(redemptions): at least 1") }
            guard let seconds = GoDuration.seconds(parsing: expiration), seconds > 0 else {
                throw ValidationError("--expiration \(expiration): not a duration such as 15m or 1h30m")
            }
        }

        func run() throws {
            try create.create([try .grant(name, redemptionsAllowed: redemptions, expirationWindow: expiration)], site: site, target: target)
        }
    }

    typealias Delete = DeleteCommand<GrantKind>
}

enum GrantKind: ScaffoldedKind {
    static let kind = ResourceKind.accessGrant
    static let deleteNote = " (tokens not yet redeemed stop working once applied)"
}
