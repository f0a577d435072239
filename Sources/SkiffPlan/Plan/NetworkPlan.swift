import SkiffModel

/// What a change does to the whole network, site by site: the CI view of a pull request.
public struct NetworkPlan: Sendable, Hashable {
    public var plans: [Plan]

    public init(plans: [Plan]) {
        self.plans = plans
    }

    /// Compares the desired network at two commits. Every site of either side gets a plan.
    public static func between(base: Network, head: Network) -> NetworkPlan {
        let names = Set(base.sites.keys).union(head.sites.keys).sorted()
        return NetworkPlan(plans: names.map { name in
            Planner.plan(site: name, desired: head.sites[name], live: LiveSite(base.sites[name]), baseline: .commit)
        })
    }

    public var hasChanges: Bool { plans.contains(where: \.hasChanges) }

    public func count(_ verb: PlanAction.Verb) -> Int {
        plans.reduce(0) { $0 + $1.count(verb) }
    }

    public var summaryLine: String {
        let changed = plans.count(where: \.hasChanges)
        guard changed > 0 else { return "No changes to the network." }
        return "Plan: \(count(.create)) to create, \(count(.update)) to update, \(count(.delete)) to delete, across \(changed) site\(changed == 1 ? "" : "s")."
    }
}
