import SkiffModel

/// The result of `skiff plan --base`: what a change (base → head) does to the network, for CI.
public struct ChangePlanReport: Sendable {
    public var base: DesiredState
    public var head: DesiredState
    public var strict: Bool
    /// Plans of the sites whose head files validate; sites with errors are listed in `invalidSites`.
    public var plan: NetworkPlan
    public var invalidSites: [String]
    /// The signature of each commit from base to head, newest first (filled by the caller).
    public var signatures: [CommitTrust] = []

    public init(base: DesiredState, head: DesiredState, strict: Bool) {
        self.base = base
        self.head = head
        self.strict = strict
        let everything = NetworkPlan.between(base: base.network, head: head.network)
        let blocking = strict ? head.diagnostics : head.diagnostics.errors
        let broken = Set(blocking.map { $0.location.file.split(separator: "/").first.map(String.init) ?? "" })
        invalidSites = everything.plans.map(\.site).filter { broken.contains($0) }
        plan = NetworkPlan(plans: everything.plans.filter { !broken.contains($0.site) })
    }

    public var isValid: Bool { head.isValid(strict: strict) }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .text: text()
        case .json: json()
        case .markdown: markdown()
        }
    }

    private func text() -> String {
        var lines = ["Change: \(base.snapshot.summary)", "     → \(head.snapshot.summary)"]
        for sitePlan in plan.plans where sitePlan.hasChanges {
            lines += ["", "Site \(sitePlan.site):"]
            lines += sitePlan.actions.flatMap { ActionText.lines($0) }
        }
        for site in invalidSites { lines += ["", "Site \(site): not planned; its files have errors"] }
        if !head.diagnostics.isEmpty {
            lines += ["", "Validation of the head commit: " + DiagnosticText.tally(head.diagnostics)]
            lines += DiagnosticText.lines(head.diagnostics)
        }
        if !signatures.isEmpty {
            lines += ["", "Signatures (newest first):"] + signatures.map { "  " + $0.line }
        }
        lines += ["", plan.summaryLine]
        return lines.joined(separator: "\n")
    }

    private func markdown() -> String {
        let baseID = base.snapshot.commit?.shortID ?? "base"
        let headID = head.snapshot.commit?.shortID ?? "head"
        var lines = ["### Skiff plan: `\(baseID)` → `\(headID)`", "", "**\(plan.summaryLine)**"]
        for sitePlan in plan.plans where sitePlan.hasChanges {
            lines += ["", "#### Site `\(sitePlan.site)`", "", "| action | resource | reason |", "|---|---|---|"]
            lines += sitePlan.actions.map { action in
                "| \(action.verb.rawValue) | `\(action.target)` | \(action.reason.description.replacingOccurrences(of: "|", with: "\\|")) |"
            }
        }
        if !invalidSites.isEmpty {
            lines += ["", "Not planned (files with errors): " + invalidSites.map { "`\($0)`" }.joined(separator: ", ")]
        }
        if !head.diagnostics.isEmpty {
            lines += ["", "#### Validation: " + DiagnosticText.tally(head.diagnostics), ""]
            lines += head.diagnostics.map { "- \($0.severity == .error ? "**error**" : "warning") `\($0.location)` \($0.path.isEmpty ? "" : "`\($0.path)`: ")\($0.message)" }
        }
        if !signatures.isEmpty {
            lines += ["", "#### Signatures", "", "| commit | subject | signature |", "|---|---|---|"]
            lines += signatures.map { "| `\($0.commit.prefix(12))` | \($0.subject.replacingOccurrences(of: "|", with: "\\|")) | \($0.state.rawValue): \($0.detail.replacingOccurrences(of: "|", with: "\\|")) |" }
        }
        return lines.joined(separator: "\n")
    }

    private struct SiteBody: Encodable {
        var site: String
        var summary: ReportJSON.Summary
        var actions: [ReportJSON.Action]
    }

    private struct Body: Encodable {
        var formatVersion = ReportJSON.formatVersion
        var valid: Bool
        var base: ReportJSON.Source
        var head: ReportJSON.Source
        var summary: ReportJSON.Summary
        var sites: [SiteBody]
        var invalidSites: [String]
        var diagnostics: [ReportJSON.DiagnosticEntry]
        var signatures: [CommitTrust]

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version", valid, base, head, summary, sites, invalidSites = "invalid_sites", diagnostics, signatures
        }
    }

    private func json() -> String {
        ReportJSON.encode(Body(
            valid: isValid, base: ReportJSON.Source(base.snapshot), head: ReportJSON.Source(head.snapshot),
            summary: ReportJSON.Summary(create: plan.count(.create), update: plan.count(.update), delete: plan.count(.delete)),
            sites: plan.plans.map { SiteBody(site: $0.site, summary: ReportJSON.summary($0), actions: $0.actions.map(ReportJSON.Action.init)) },
            invalidSites: invalidSites, diagnostics: head.diagnostics.map(ReportJSON.DiagnosticEntry.init), signatures: signatures))
    }
}
