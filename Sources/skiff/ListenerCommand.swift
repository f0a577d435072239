import ArgumentParser
import SkiffModel
import SkiffScaffold

/// `skiff listener`: write a Listener into a site's folder.
struct ListenerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listener",
        abstract: "Write (or remove) a Listener: a local port that reaches the connectors with its routing key.",
        subcommands: [Create.self, Delete.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write SITE/listener-NAME.yaml.",
            discussion: "Example: skiff listener create backend 8080 --site west --host 127.0.0.1 --commit"
        )

        @Argument(help: ArgumentHelp("The listener's name.", valueName: "name"))
        var name: String

        @Argument(help: ArgumentHelp("The local port applications call.", valueName: "port"))
        var port: Int

        @Option(name: .long, help: ArgumentHelp("The site (its folder).", valueName: "site"))
        var site: String

        @Option(name: [.short, .long], help: ArgumentHelp("The routing key. Default: the name, as Skupper's.", valueName: "key"))
        var routingKey: String?

        @Option(name: .long, help: ArgumentHelp("The address the port binds. Default: 0.0.0.0 (every address), as Skupper's; 127.0.0.1 keeps it to this host.", valueName: "host"))
        var host = "0.0.0.0"

        @Option(name: .long, help: ArgumentHelp("The listener type (tcp).", valueName: "type"))
        var type = "tcp"

        @OptionGroup var target: ScaffoldTarget
        @OptionGroup var create: CreateOptions

        func validate() throws { try ScaffoldArguments.check(port: port) }

        func run() throws {
            try create.create([try .listener(name, port: port, routingKey: routingKey, host: host, type: type)], site: site, target: target)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the Listener NAME from SITE's folder.")

        @Argument(help: ArgumentHelp("The listener's name.", valueName: "name"))
        var name: String

        @Option(name: .long, help: ArgumentHelp("The site (its folder).", valueName: "site"))
        var site: String

        @OptionGroup var target: ScaffoldTarget

        func run() throws {
            try target.perform(summary: "delete Listener/\(name) at \(site)") { try $0.delete(ResourceID(kind: .listener, name: name), site: site) }
        }
    }
}

/// Checks every create shares.
enum ScaffoldArguments {
    static func check(port: Int) throws {
        guard (1...65_535).contains(port) else { throw ValidationError("port \(port) is not from 1 to 65535") }
    }
}
