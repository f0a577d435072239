import ArgumentParser
import SkiffModel

/// A kind the create and delete verbs write; `deleteNote` says what removing one means.
protocol ScaffoldedKind {
    static var kind: ResourceKind { get }
    static var deleteNote: String { get }
}

extension ScaffoldedKind {
    static var deleteNote: String { "" }
}

/// `skiff listener|connector|grant delete NAME --site S`: one verb for every kind kept in a site's folder.
struct DeleteCommand<Kind: ScaffoldedKind>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "delete", abstract: "Remove the \(Kind.kind.rawValue) NAME from SITE's folder\(Kind.deleteNote).")
    }

    @Argument(help: ArgumentHelp("The \(Kind.kind.rawValue)'s name.", valueName: "name"))
    var name: String

    @Option(name: .long, help: ArgumentHelp("The site (its folder).", valueName: "site"), completion: SiteCompletion.kind)
    var site: String

    @OptionGroup var target: ScaffoldTarget

    func run() throws {
        let id = ResourceID(kind: Kind.kind, name: name)
        try target.perform(summary: "delete \(id) at \(site)") { try $0.delete(id, site: site) }
    }
}
