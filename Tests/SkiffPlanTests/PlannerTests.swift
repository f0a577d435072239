import SkiffModel
@testable import SkiffPlan
import SkiffTestSupport
import Testing

/// The planner is a pure function of (desired, live): tested with values only.
@Suite("Planner")
struct PlannerTests {
    static func site(_ documents: String...) -> DesiredSite {
        let (network, diagnostics) = Network.load([NetworkFile(path: "west/all.yaml", bytes: Array(Fixtures.file(
            Fixtures.site("west"), documents.joined(separator: "\n---\n")).utf8))])
        precondition(diagnostics.errors.isEmpty, "\(diagnostics)")
        return network.sites["west"]!
    }

    @Test("from nothing, everything is created in dependency order with reason `added in git`")
    func createAll() {
        let desired = Self.site(Fixtures.listener("web", port: 8080), Fixtures.connector("db", port: 5432), Fixtures.link("to-east"),
                                Fixtures.routerAccess())
        let plan = Planner.plan(site: "west", desired: desired, live: .empty)
        #expect(plan.actions.map(\.target.description) == ["Site/west", "RouterAccess/skupper-router", "Link/to-east", "Connector/db", "Listener/web"])
        #expect(plan.actions.allSatisfy { $0.verb == .create && $0.reason.kind == .addedInGit && $0.reason.description == "added in git" })
        #expect(plan.summaryLine == "Plan: 5 to create, 0 to update, 0 to delete.")
        let listener = plan.actions.last!
        #expect(listener.changes.map(\.field) == ["spec.host", "spec.port", "spec.routingKey", "spec.type"])
    }

    @Test("applying the desired state as live state plans nothing")
    func idempotent() {
        let desired = Self.site(Fixtures.listener("web", port: 8080))
        let plan = Planner.plan(site: "west", desired: desired, live: LiveSite(desired))
        #expect(!plan.hasChanges)
        #expect(plan.summaryLine == "No changes. Site west matches the desired state.")
    }

    @Test("a changed field is an update whose reason shows before → after")
    func update() {
        let before = Self.site(Fixtures.listener("web", port: 8080))
        let after = Self.site(Fixtures.listener("web", port: 8081))
        let plan = Planner.plan(site: "west", desired: after, live: LiveSite(before))
        #expect(plan.actions.count == 1)
        let action = plan.actions[0]
        #expect(action.verb == .update)
        #expect(action.reason == .changedInGit("port 8080 → 8081"))
        #expect(action.reason.description == "changed in git: port 8080 → 8081")
        #expect(action.changes.map(\.summary) == ["spec.port: 8080 → 8081"])
    }

    @Test("several changed fields are named; deletes come last, in reverse dependency order, as `pruned`")
    func updateAndDelete() {
        let before = Self.site(Fixtures.listener("web", port: 8080), Fixtures.link("old"), Fixtures.connector("gone", port: 1))
        let after = Self.site(Fixtures.listener("web", routingKey: "www", host: "0.0.0.0", port: 8080))
        let plan = Planner.plan(site: "west", desired: after, live: LiveSite(before))
        #expect(plan.actions.map { "\($0.verb.rawValue) \($0.target) (\($0.reason))" } == [
            "update Listener/web (changed in git: host, routingKey)",
            "delete Connector/gone (pruned: no longer in git)",
            "delete Link/old (pruned: no longer in git)",
        ])
    }

    @Test("comparing two commits says added and removed")
    func commitBaseline() {
        let plan = Planner.plan(site: "west", desired: Self.site(Fixtures.listener("a", port: 1)),
                                live: LiveSite(Self.site(Fixtures.listener("b", port: 2))), baseline: .commit)
        #expect(plan.actions.map(\.reason.kind) == [.added, .removed])
    }

    @Test("secret fields are flagged and render as (sensitive)")
    func secrets() {
        func token(_ code: String) -> String {
            "apiVersion: skupper.io/v2alpha1\nkind: AccessToken\nmetadata:\n  name: t\nspec:\n  url: https://w:1/\n  code: \(code)\n  ca: x\n"
        }
        let plan = Planner.plan(site: "west", desired: Self.site(token("new-secret")), live: LiveSite(Self.site(token("old-secret"))))
        let action = plan.actions[0]
        #expect(action.reason.description == "changed in git: code (sensitive)")
        #expect(action.changes.first?.sensitive == true)
        #expect(!action.changes.map(\.summary).joined().contains("secret"))
    }

    @Test("the network plan covers sites added, removed and changed")
    func networkPlan() {
        func network(_ files: [(String, String)]) -> Network {
            Network.load(files.map { NetworkFile(path: $0.0, bytes: Array($0.1.utf8)) }).0
        }
        let base = network([("west/s.yaml", Fixtures.site("west")), ("east/s.yaml", Fixtures.site("east"))])
        let head = network([("west/s.yaml", Fixtures.file(Fixtures.site("west"), Fixtures.listener("a", port: 1))),
                            ("north/s.yaml", Fixtures.site("north"))])
        let plan = NetworkPlan.between(base: base, head: head)
        #expect(plan.plans.map(\.site) == ["east", "north", "west"])
        #expect(plan.plans.map { $0.actions.map { "\($0.verb.rawValue) \($0.target)" } } == [
            ["delete Site/east"], ["create Site/north"], ["create Listener/a"],
        ])
        #expect(plan.summaryLine == "Plan: 2 to create, 0 to update, 1 to delete, across 3 sites.")
    }
}
