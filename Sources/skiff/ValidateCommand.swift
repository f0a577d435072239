import ArgumentParser
import SkiffPlan
import SkiffReconcile

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the whole desired network: YAML, schemas and cross-site rules.",
        discussion: """
            Reports every error and warning as FILE:LINE:COLUMN: FIELD: MESSAGE. Exit 0 when valid, 1 when not.

            Example: skiff validate --repo . --path network --strict
            """
    )

    @OptionGroup var source: SourceOptions

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Option(name: .long, help: ArgumentHelp("Output format: text or json.", valueName: "format"))
    var output: ReportFormatOption = .text

    func run() throws {
        let report = ValidationReport(desired: try DesiredState.read(source.request()), strict: strict)
        print(report.render(output.format))
        if !report.isValid { throw ExitCode(1) }
    }
}
