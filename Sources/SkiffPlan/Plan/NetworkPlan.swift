import Dispatch
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
        // Sites are planned on every core: each plan depends on its own site only.
        let plans = ParallelResults<Plan>(count: names.count)
        DispatchQueue.concurrentPerform(iterations: names.count) { index in
            let name = names[index]
            plans[index] = Planner.plan(site: name, desired: head.sites[name], live: LiveSite(base.sites[name]), baseline: .commit)
        }
        return NetworkPlan(plans: plans.values)
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
