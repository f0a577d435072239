import Foundation
import SkiffModel
import SkiffSupport

/// The result of `skiff plan --site`: desired state at a revision against the site's live state.
public struct SitePlanReport: Sendable {
    public var site: String
    public var desired: DesiredState
    /// Nil when the desired state does not validate: an invalid state is never planned.
    public var plan: Plan?
    public var applied: AppliedRecord?
    public var stateDirectory: StateDirectory
    public var requirements: CertificateRequirements
    /// Digest of the live state the plan was computed from (see `SavedPlan`).
    public var liveFingerprint: String = ""

    public init(site: String, desired: DesiredState, plan: Plan?, applied: AppliedRecord?, stateDirectory: StateDirectory,
                requirements: CertificateRequirements)
    {
        self.site = site
        self.desired = desired
        self.plan = plan
        self.applied = applied
        self.stateDirectory = stateDirectory
        self.requirements = requirements
    }

    /// Desired-state findings and the problems planning found at the site (a damaged CA).
    public var diagnostics: [Diagnostic] {
        (desired.diagnostics + (plan?.problems ?? [])).sortedForDisplay()
    }

    /// The errors that stop this site's apply: its own folder's and files outside every folder
    /// (`DesiredState.errors(blocking:)`), and what planning found at the site (a damaged CA).
    /// Errors in other sites' folders are shown, but block only those sites.
    public var blockingErrors: [Diagnostic] {
        (desired.errors(blocking: site) + (plan?.problems.errors ?? [])).sortedForDisplay()
    }

    /// Whether the plan may be carried out: nothing blocks it.
    public var canApply: Bool { plan != nil && blockingErrors.isEmpty }

    public func render(_ format: OutputFormat) -> String {
        format == .json ? json() : text()
    }

    private var liveSummary: String {
        guard let applied else { return "nothing applied yet (state directory \(stateDirectory.path))" }
        let commit = applied.commit.map { "commit \($0.prefix(12))" } ?? "a folder"
        return "\(commit) applied \(ISO8601DateFormatter().string(from: applied.appliedAt))"
    }

    private func text() -> String {
        var lines = ["Site \(site): desired \(desired.snapshot.summary)", "Live: \(liveSummary)"]
        lines += DiagnosticText.lines(diagnostics)
        guard let plan else {
            lines.append("No plan: the desired state of site \(site) has errors (\(DiagnosticText.tally(blockingErrors)))")
            return lines.joined(separator: "\n")
        }
        let elsewhere = diagnostics.errors.count - blockingErrors.count
        if elsewhere > 0 {
            lines.append("(\(elsewhere) error\(elsewhere == 1 ? "" : "s") in other sites' folders: they block those sites, not \(site))")
        }
        if plan.hasChanges { lines.append("") }
        lines += plan.actions.flatMap { ActionText.lines($0) }
        lines += ["", plan.summaryLine]
        if !canApply { lines.append("Cannot apply: " + DiagnosticText.tally(blockingErrors)) }
        return lines.joined(separator: "\n")
    }

    private struct Body: Encodable {
        var formatVersion = ReportJSON.formatVersion
        var site: String
        var valid: Bool
        var source: ReportJSON.Source
        var appliedCommit: String?
        var summary: ReportJSON.Summary?
        var actions: [ReportJSON.Action]
        var diagnostics: [ReportJSON.DiagnosticEntry]

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version", site, valid, source, appliedCommit = "applied_commit", summary, actions,
                 diagnostics
        }
    }

    private func json() -> String {
        ReportJSON.encode(Body(
            site: site, valid: canApply, source: ReportJSON.Source(desired.snapshot), appliedCommit: applied?.commit,
            summary: plan.map(ReportJSON.summary), actions: (plan?.actions ?? []).map(ReportJSON.Action.init),
            diagnostics: diagnostics.map(ReportJSON.DiagnosticEntry.init)))
    }
}
