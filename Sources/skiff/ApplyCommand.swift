import ArgumentParser
import Foundation
import SkiffReconcile

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make one site match the desired state: plan, then carry the plan out.",
        discussion: """
            Creates the site CA on first use, issues and renews the router's server certificate, repairs \
            certificate files that were deleted or damaged, and records what was applied. A second apply \
            plans nothing and touches nothing. A desired state with errors is never applied.

            Example: skiff apply --site west --repo . --path network
            """
    )

    @OptionGroup var source: SourceOptions
    @OptionGroup var siteOptions: SiteOptions
    @OptionGroup var lockOptions: LockOptions

    @Option(name: .long, help: ArgumentHelp("Apply a plan saved by `skiff plan --out`; refused if the commit or the live state changed since.", valueName: "file"))
    var plan: String?

    func run() throws {
        // Held from the plan to the end, so nothing else changes the site between them.
        let lock = try lockOptions.lock(siteOptions, command: "skiff apply")
        defer { withExtendedLifetime(lock) {} }
        let directory = siteOptions.stateDirectory
        let report = try SitePlanning.plan(site: siteOptions.site, source: source.request(), stateDirectory: directory)
        print(report.render(.text))
        guard report.canApply else { throw ExitCode(1) }
        if let plan { try SavedPlan.load(plan).check(against: report) }
        print("")
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let executed = try Executor.apply(report, routerExecutable: executable)
        let after = try SitePlanning.plan(site: siteOptions.site, desired: report.desired, stateDirectory: directory,
                                          hostname: ProcessInfo.processInfo.hostName, now: Date())
        let applied = ApplyReport(site: siteOptions.site, executed: executed, followUp: after.plan)
        print(applied.render())
        print("")
        let status = try SiteStatusReport.read(site: siteOptions.site, stateDirectory: directory)
        print(status.render(.text))
        // What could not be bound is not applied, whatever the plan says: one line each, exit 1.
        let unbound = status.bindFailures
        for failure in unbound { FileHandle.standardError.write(Data("Error: \(failure)\n".utf8)) }
        if !applied.converged || !unbound.isEmpty { throw ExitCode(1) }
    }
}
