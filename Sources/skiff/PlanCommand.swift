import ArgumentParser
import Foundation
import SkiffModel
import SkiffPlan
import SkiffReconcile
import SkiffSource
import SkiffSupport

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what would change: for one site (--site) or for a commit range in CI (--base).",
        discussion: """
            With --site, compares the desired state at --ref with what the site's state directory records as \
            applied. With --base, compares the desired network at two commits and needs no live state: \
            the view a pull request needs.

            Exit codes: 0 no changes, 1 error or invalid desired state, 2 changes (with --detailed-exitcode; \
            otherwise changes exit 0).

            Examples:
              skiff plan --site west --repo . --path network
              skiff plan --base origin/main --ref HEAD --output markdown
            """
    )

    @OptionGroup var source: SourceOptions
    @OptionGroup var trust: TrustOptions

    @Option(name: .long, help: ArgumentHelp("Site to plan (its folder name).", valueName: "site"), completion: SiteCompletion.kind)
    var site: String?

    @Option(name: .long, help: ArgumentHelp("Site state directory. Default: $XDG_STATE_HOME/skiff/<site>, or /var/lib/skiff/<site> as root.", valueName: "dir"))
    var stateDir: String?

    @Option(name: .long, help: ArgumentHelp("CI mode: the revision to compare --ref against (for example origin/main).", valueName: "rev"))
    var base: String?

    @Flag(help: "Treat warnings as errors (CI mode).")
    var strict = false

    @Option(name: .long, help: ArgumentHelp("Output format: text, json, or markdown (CI mode).", valueName: "format"))
    var output: OutputFormatOption = .text

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 2 when there are changes, 0 when there are none.")
    var detailedExitcode = false

    @Option(name: .long, help: ArgumentHelp("With --site: also save the plan, for `skiff apply --plan FILE`.", valueName: "file"))
    var out: String?

    func validate() throws {
        switch (site, base) {
        case (nil, nil): throw ValidationError("give --site SITE to plan a site, or --base REV to plan a change (CI)")
        case (.some, .some): throw ValidationError("--site and --base are exclusive: plan a site, or plan a change")
        case (.some, nil) where output == .markdown: throw ValidationError("--output markdown needs --base")
        case (nil, .some) where stateDir != nil: throw ValidationError("--state-dir needs --site; --base plans need no live state")
        case (nil, .some) where out != nil: throw ValidationError("--out needs --site: only a site plan can be applied")
        default: break
        }
    }

    func run() throws {
        let hasChanges: Bool
        let policy = try trust.policy()
        if let site {
            let directory = StateDirectory(path: stateDir ?? StateDirectory.defaultPath(site: site))
            let desired = try trust.read(source.request(), policy: policy)
            let report = try SitePlanning.plan(site: site, desired: desired, stateDirectory: directory,
                                               hostname: ProcessInfo.processInfo.hostName, now: Date())
            print(report.render(output.format))
            guard let plan = report.plan, report.canApply else { throw ExitCode(1) }
            if let out { try SavedPlan(report).write(to: out) }
            hasChanges = plan.hasChanges
        } else {
            // The two commits share most documents: each distinct one is read and validated once.
            let documents = DocumentCache()
            let baseState = try DesiredState.read(source.request(revision: base), cache: documents)
            let headState = try DesiredState.read(source.request(), cache: documents)
            var report = ChangePlanReport(base: baseState, head: headState, strict: strict)
            if let head = headState.snapshot.commit, let base = baseState.snapshot.commit {
                report.signatures = TrustOptions.trust(try NetworkSource.history(source.request(), head: head.id, base: base.id), policy: policy)
            }
            print(report.render(output.format))
            guard report.isValid else { throw ExitCode(1) }
            // The head is what a site would apply: with trusted keys given, it must be signed by one.
            if let policy, let head = headState.snapshot.commit,
               case .refused(let why) = policy.check(commit: head.id, signature: headState.snapshot.signature)
            {
                throw CommandFailure(why)
            }
            hasChanges = report.plan.hasChanges
        }
        if hasChanges && detailedExitcode { throw ExitCode(2) }
    }
}
