import ArgumentParser
import Foundation
import SkiffModel
import SkiffPlan
import SkiffReconcile

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make one site match the desired state: plan, then carry the plan out.",
        discussion: """
            Creates the site CA on first use, issues and renews the router's server certificate, repairs \
            certificate files that were deleted or damaged, and records what was applied. A second apply \
            plans nothing and touches nothing. A desired state with errors is never applied.

            With --wait it then waits until the site does what git asks: links up, tokens redeemed and \
            listeners with a connector somewhere, printing what it waits for as that changes.

            Example: skiff apply --site west --repo . --path network --wait 2m
            """
    )

    @OptionGroup var source: SourceOptions
    @OptionGroup var trust: TrustOptions
    @OptionGroup var siteOptions: SiteOptions
    @OptionGroup var lockOptions: LockOptions

    @Option(name: .long, help: ArgumentHelp("Apply a plan saved by `skiff plan --out`; refused if the commit or the live state changed since.", valueName: "file"))
    var plan: String?

    @Option(name: .long, help: ArgumentHelp("After applying, wait until links are up, tokens redeemed and every listener has a connector somewhere (`--wait` alone: 5m); exit 1 on timeout, saying what is still pending.", valueName: "duration"))
    var wait: String?

    func validate() throws {
        if let wait, (GoDuration.seconds(parsing: wait) ?? 0) <= 0 {
            throw ValidationError("--wait expects a duration such as 30s or 5m, got \"\(wait)\"")
        }
    }

    func run() throws {
        // Held from the plan to the end, so nothing else changes the site between them.
        let lock = try lockOptions.lock(siteOptions, command: "skiff apply")
        defer { withExtendedLifetime(lock) {} }
        let directory = siteOptions.stateDirectory
        let desired = try trust.read(source.request(), policy: try trust.policy())
        let report = try SitePlanning.plan(site: siteOptions.site, desired: desired, stateDirectory: directory,
                                           hostname: ProcessInfo.processInfo.hostName, now: Date())
        print(report.render(.text))
        guard report.canApply else { throw ExitCode(1) }
        if let plan { try SavedPlan.load(plan).check(against: report) }
        print("")
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let result = try ApplyRun.execute(report, routerExecutable: executable)
        // The network's consoles show what this site applied, as they do for a daemon's site.
        GitOpsReporting.send(GitOpsReporting.applyReport(stateDirectory: directory, result: result.succeeded ? "applied" : "failed",
                                                         changes: report.plan?.actions.count ?? 0, errors: result.bindFailures),
                             stateDirectory: directory)
        print(result.applied.render())
        print("")
        print(result.status.render(.text))
        // What could not be bound is not applied, whatever the plan says: one line each, exit 1.
        for failure in result.bindFailures { FileHandle.standardError.write(Data("Error: \(failure)\n".utf8)) }
        guard result.succeeded else { throw ExitCode(1) }
        if let wait, let timeout = GoDuration.seconds(parsing: wait) { try waitUntilReady(timeout: timeout, text: wait) }
    }

    /// Prints what the site waits for as it changes; exit 1 with what is pending at the timeout.
    private func waitUntilReady(timeout: TimeInterval, text: String) throws {
        print("")
        let pending = ApplyWait.wait(site: siteOptions.site, stateDirectory: siteOptions.stateDirectory, timeout: timeout) { pending in
            print(pending.isEmpty ? "Ready: every link, token and listener of site \(siteOptions.site)." : "Waiting for: " + pending.joined(separator: ", "))
        }
        guard pending.isEmpty else {
            FileHandle.standardError.write(Data("Error: timed out after \(text) waiting for: \(pending.joined(separator: ", "))\n".utf8))
            throw ExitCode(1)
        }
    }
}
