
/// What `skiff apply` did, and whether the site converged.
public struct ApplyReport: Sendable {
    public var site: String
    public var executed: [PlanAction]
    /// The plan computed right after applying: empty when the site converged.
    public var followUp: Plan?

    public init(site: String, executed: [PlanAction], followUp: Plan?) {
        self.site = site
        self.executed = executed
        self.followUp = followUp
    }

    public var converged: Bool { !(followUp?.hasChanges ?? true) }

    public func render() -> String {
        // Certificates are live once written; resources are recorded for the router to serve.
        var lines = executed.map { action in
            let outcome = if case .resource = action.target { "recorded" } else { "done" }
            return "  \(ActionText.symbol(action.verb)) \(action): \(outcome)"
        }
        let count = { (verb: PlanAction.Verb) in self.executed.count { $0.verb == verb } }
        if !executed.isEmpty {
            lines.append("Apply complete: \(count(.create)) created, \(count(.update)) updated, \(count(.delete)) deleted.")
        }
        if !converged, let followUp {
            lines.append("Not converged: a new plan still has \(followUp.actions.count) action(s):")
            lines += followUp.actions.flatMap { ActionText.lines($0) }
        }
        return lines.joined(separator: "\n")
    }
}
