import ArgumentParser
import Foundation
import SkiffRouterAPI
import SkiffTelemetry

/// `skiff network`: the whole network, seen from one site.
struct NetworkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "See the whole network from any site: sites, links, services and their figures.",
        subcommands: [NetworkStatusCommand.self]
    )
}

struct NetworkStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print every site, link and service of the network, as the site's router knows them.",
        discussion: """
            Every site's router sends a summary of its links, listeners, connectors and reconciler round the network \
            every few seconds; this prints what the given site's router holds. A site whose router is not running \
            has nothing to show.

            Example: skiff network status --site west --output json
            """
    )

    @OptionGroup var siteOptions: SiteOptions

    @Option(name: .long, help: ArgumentHelp("Output format: text or json.", valueName: "format"))
    var output: ReportFormatOption = .text

    func run() throws {
        let directory = try siteOptions.existingStateDirectory()
        let client = ManagementClient(socketPath: RouterProcess.socketPath(directory.path), timeout: 5)
        let view: NetworkView
        do {
            view = try client.network()
        } catch let failure as ManagementClient.Failure {
            throw CommandFailure("site \(siteOptions.site): \(failure.description)")
        }
        switch output {
        case .text:
            print(view.renderText())
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(view), as: UTF8.self))
        }
    }
}
