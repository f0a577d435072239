import ArgumentParser
import SkiffModel
import SkiffScaffold

/// `skiff connector`: write a Connector into a site's folder.
struct ConnectorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connector",
        abstract: "Write (or remove) a Connector: a service at this site that listeners with its routing key reach.",
        subcommands: [Create.self, Delete.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write SITE/connector-NAME.yaml.",
            discussion: "Example: skiff connector create backend 8080 --site east --host 127.0.0.1 --commit"
        )

        @Argument(help: ArgumentHelp("The connector's name.", valueName: "name"))
        var name: String

        @Argument(help: ArgumentHelp("The service's port.", valueName: "port"))
        var port: Int

        @Option(name: .long, help: ArgumentHelp("The site (its folder).", valueName: "site"))
        var site: String

        @Option(name: [.short, .long], help: ArgumentHelp("The routing key. Default: the name, as Skupper's.", valueName: "key"))
        var routingKey: String?

        @Option(name: .long, help: ArgumentHelp("The host the service runs on (a name or address). Default: 127.0.0.1, this host (Skupper has no default outside Kubernetes).", valueName: "host"))
        var host = "127.0.0.1"

        @Option(name: .long, help: ArgumentHelp("The connector type (tcp).", valueName: "type"))
        var type = "tcp"

        @OptionGroup var target: ScaffoldTarget
        @OptionGroup var create: CreateOptions

        func validate() throws { try ScaffoldArguments.check(port: port) }

        func run() throws {
            try create.create([try .connector(name, port: port, routingKey: routingKey, host: host, type: type)], site: site, target: target)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the Connector NAME from SITE's folder.")

        @Argument(help: ArgumentHelp("The connector's name.", valueName: "name"))
        var name: String

        @Option(name: .long, help: ArgumentHelp("The site (its folder).", valueName: "site"))
        var site: String

        @OptionGroup var target: ScaffoldTarget

        func run() throws {
            try target.perform(summary: "delete Connector/\(name) at \(site)") { try $0.delete(ResourceID(kind: .connector, name: name), site: site) }
        }
    }
}
