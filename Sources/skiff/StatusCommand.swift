import ArgumentParser
import SkiffReconcile

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a site: what was applied, each resource's state, its links and the services it sees.",
        discussion: "Example: skiff status --site west --output json"
    )

    @OptionGroup var siteOptions: SiteOptions

    @Option(name: .long, help: ArgumentHelp("Output format: text or json.", valueName: "format"))
    var output: ReportFormatOption = .text

    func run() throws {
        let report = try SiteStatusReport.read(site: siteOptions.site, stateDirectory: siteOptions.stateDirectory)
        print(report.render(output.format))
    }
}
