import ArgumentParser
import SkiffModel
import SkiffScaffold

/// What differs between `skiff listener` and `skiff connector`: the two ends of a routing key.
protocol ServiceEnd: ScaffoldedKind {
    static var abstract: String { get }
    static var example: String { get }
    static var portHelp: String { get }
    static var hostHelp: String { get }
    static var defaultHost: String { get }
    static var tlsHelp: String { get }
}

enum ListenerEnd: ServiceEnd {
    static let kind = ResourceKind.listener
    static let abstract = "Write (or remove) a Listener: a local port that reaches the connectors with its routing key."
    static let example = "skiff listener create backend 8080 --site west --host 127.0.0.1 --commit"
    static let portHelp = "The local port applications call."
    static let hostHelp = "The address the port binds: 0.0.0.0 (every address) is Skupper's default; 127.0.0.1 keeps it to this host."
    static let defaultHost = "0.0.0.0"
    static let tlsHelp = "Serve TLS to clients with these credentials: a Certificate of the site (server: true), or files in pki/certificates/NAME."
}

enum ConnectorEnd: ServiceEnd {
    static let kind = ResourceKind.connector
    static let abstract = "Write (or remove) a Connector: a service at this site that listeners with its routing key reach."
    static let example = "skiff connector create backend 9090 --site east --host 127.0.0.1 --commit"
    static let portHelp = "The service's port."
    static let hostHelp = "The host the service runs on (a name or address); this host unless told (Skupper has no default outside Kubernetes)."
    static let defaultHost = "127.0.0.1"
    static let tlsHelp = "Speak TLS to the service, trusting it when its certificate chains to these credentials' ca.crt (a Certificate of the site, or files in pki/certificates/NAME)."
}

typealias ListenerCommand = ServiceCommand<ListenerEnd>
typealias ConnectorCommand = ServiceCommand<ConnectorEnd>

/// `skiff listener` and `skiff connector`: write one end of a routing key into a site's folder.
struct ServiceCommand<End: ServiceEnd>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: End.kind.rawValue.lowercased(), abstract: End.abstract, subcommands: [Create.self, Delete.self])
    }

    struct Create: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "create", abstract: "Write SITE/\(End.kind.rawValue.lowercased())-NAME.yaml.", discussion: "Example: \(End.example)")
        }

        @Argument(help: ArgumentHelp("The \(End.kind.rawValue.lowercased())'s name.", valueName: "name"))
        var name: String

        @Argument(help: ArgumentHelp(End.portHelp, valueName: "port"))
        var port: Int

        @Option(name: .long, help: ArgumentHelp("The site (its folder).", valueName: "site"), completion: SiteCompletion.kind)
        var site: String

        @Option(name: [.short, .long], help: ArgumentHelp("The routing key. Default: the name, as Skupper's.", valueName: "key"))
        var routingKey: String?

        @Option(name: .long, help: ArgumentHelp(End.hostHelp, valueName: "host"))
        var host = End.defaultHost

        @Option(name: .long, help: ArgumentHelp("The \(End.kind.rawValue.lowercased()) type; tcp is the only one.", valueName: "type"))
        var type = "tcp"

        @Option(name: .long, help: ArgumentHelp(End.tlsHelp, valueName: "name"))
        var tlsCredentials: String?

        @OptionGroup var target: ScaffoldTarget
        @OptionGroup var create: CreateOptions

        func validate() throws {
            guard (1...65_535).contains(port) else { throw ValidationError("port \(port) is not from 1 to 65535") }
        }

        func run() throws {
            let draft = try ResourceDraft.service(End.kind, name, port: port, routingKey: routingKey, host: host, type: type, tlsCredentials: tlsCredentials)
            try create.create([draft], site: site, target: target)
        }
    }

    typealias Delete = DeleteCommand<End>
}
