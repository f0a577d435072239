import SkiffModel

/// The ordered actions that take one site from its baseline (live state, or another commit) to its
/// desired state. Creates and updates run in dependency order; deletes run last, in reverse order.
public struct Plan: Sendable, Hashable {
    public var site: String
    public var actions: [PlanAction]
    /// What no action can fix (a damaged CA), found while planning.
    public var problems: [Diagnostic]

    public init(site: String, actions: [PlanAction], problems: [Diagnostic] = []) {
        self.site = site
        self.actions = actions
        self.problems = problems
    }

    public var hasChanges: Bool { !actions.isEmpty }

    public func count(_ verb: PlanAction.Verb) -> Int {
        actions.count { $0.verb == verb }
    }

    /// `Plan: 3 to create, 1 to update, 0 to delete.`, or `No changes.`
    public var summaryLine: String {
        guard hasChanges else { return "No changes. Site \(site) matches the desired state." }
        return "Plan: \(count(.create)) to create, \(count(.update)) to update, \(count(.delete)) to delete."
    }
}
