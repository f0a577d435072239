import Foundation
import SkiffModel
import SkiffTestSupport
import Testing

/// What Skupper users' repositories hold beside their network resources, loaded as Skupper's
/// system-mode loader would: null specs, application manifests, Kubernetes-only kinds and fields.
@Suite("Skupper YAML as users write it")
struct SkupperLoadingTests {
    static let site = "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\n"

    @Test("`spec:` with nothing after it is an empty spec, as Kubernetes and Skupper read it")
    func nullSpec() {
        let (network, diagnostics) = load([("west/site.yaml", Self.site + "spec:\n"),
                                           ("west/grant.yaml", "apiVersion: skupper.io/v2alpha1\nkind: AccessGrant\nmetadata:\n  name: g\nspec: ~\n")])
        #expect(diagnostics.isEmpty, "\(lines(diagnostics))")
        #expect(network.sites["west"]?.site != nil)
        #expect(AccessGrantSpec(network.sites["west"]!.resources(of: .accessGrant)[0].spec).redemptionsAllowed == 1, "defaults apply")
    }

    @Test("a Deployment beside the network's files is a warning naming file:line and is skipped; a folder of only such files is not a site")
    func otherManifests() {
        let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: backend\nspec:\n  replicas: 2\n"
        let (network, diagnostics) = load([("west/site.yaml", Self.site + "---\n" + deployment),
                                           ("k8s/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n")])
        #expect(diagnostics.errors.isEmpty, "\(lines(diagnostics))")
        #expect(lines(diagnostics) == [
            "k8s/namespace.yaml:1:13: warning: apiVersion: a Namespace (v1) is not a Skupper resource; skipped (Skiff reads only skupper.io kinds)",
            "west/site.yaml:6:13: warning: apiVersion: a Deployment (apps/v1) is not a Skupper resource; skipped (Skiff reads only skupper.io kinds)",
        ])
        #expect(network.siteNames == ["west"], "k8s/ holds no Skupper resource, so it is no site")
        #expect(network.sites["west"]?.resources.count == 1)
    }

    @Test("Kubernetes-only kinds and fields say they mean nothing here and what to use instead")
    func kubernetesOnly() {
        let attached = "apiVersion: skupper.io/v2alpha1\nkind: AttachedConnector\nmetadata:\n  name: db\nspec:\n  port: 5432\n"
        let connector = "apiVersion: skupper.io/v2alpha1\nkind: Connector\nmetadata:\n  name: db\nspec:\n  routingKey: db\n  host: 10.0.0.7\n  port: 5432\n  selector: app=db\n  exposePodsByName: true\n"
        let (network, diagnostics) = load([("west/site.yaml", Self.site), ("west/attached.yaml", attached), ("west/db.yaml", connector)])
        #expect(diagnostics.errors.isEmpty, "\(lines(diagnostics))")
        #expect(lines(diagnostics) == [
            "west/attached.yaml:2:7: warning: kind: AttachedConnector has no meaning outside Kubernetes (it binds pods in another namespace; outside Kubernetes use a Connector with spec.host); skipped",
            "west/db.yaml:9:3: warning: spec.selector: has no effect here: a Kubernetes pod selector; outside Kubernetes the connector dials spec.host",
            "west/db.yaml:10:3: warning: spec.exposePodsByName: has no effect here: pods exist only in Kubernetes; use one Connector per host instead",
        ], "\(lines(diagnostics))")
        #expect(network.sites["west"]?.resources(of: .connector).count == 1, "the connector still works")
    }

    @Test("a Kubernetes Connector (a selector, no host) is refused saying what outside Kubernetes needs")
    func connectorWithoutHost() {
        let connector = "apiVersion: skupper.io/v2alpha1\nkind: Connector\nmetadata:\n  name: backend\nspec:\n  routingKey: backend\n  port: 8080\n  selector: app=backend\n"
        let (_, diagnostics) = load([("east/site.yaml", Self.site.replacingOccurrences(of: "west", with: "east")), ("east/connector.yaml", connector)])
        #expect(lines(diagnostics.errors) == [
            "east/connector.yaml:6:3: spec.host: required outside Kubernetes: the host name or address of the service to dial (a selector picks pods only in Kubernetes)",
        ], "\(lines(diagnostics))")
    }

    @Test("a Site that does not validate is reported once, not again as a missing Site")
    func invalidSiteOnce() {
        let (_, diagnostics) = load([("west/site.yaml", Self.site + "spec:\n  edge: sometimes\n")])
        #expect(diagnostics.errors.count == 1, "\(lines(diagnostics))")
        #expect(!lines(diagnostics).contains { $0.contains("no Site resource") })
    }

    @Test("a MultiKeyListener needs exactly one strategy, weights are whole numbers from 0, and its port counts against the site's listeners")
    func multiKeyListenerRules() {
        func multiKey(_ strategy: String, port: Int = 8080) -> String {
            "apiVersion: skupper.io/v2alpha1\nkind: MultiKeyListener\nmetadata:\n  name: mk\nspec:\n  host: 127.0.0.1\n  port: \(port)\n  strategy:\n" + strategy
        }
        let both = "    priority:\n      routingKeys: [a]\n    weighted:\n      routingKeys: {a: 1}\n"
        let (_, twoStrategies) = load([("west/site.yaml", Fixtures.file(Fixtures.site("west"), multiKey(both)))])
        #expect(twoStrategies.errors.contains { $0.path == "spec.strategy" && $0.message == "exactly one of priority and weighted must be set" }, "\(twoStrategies)")
        let (_, negative) = load([("west/site.yaml", Fixtures.file(Fixtures.site("west"), multiKey("    weighted:\n      routingKeys: {a: -1}\n")))])
        #expect(negative.errors.contains { $0.path == "spec.strategy.weighted.routingKeys.a" }, "\(negative)")
        let (network, clash) = load([("west/site.yaml", Fixtures.file(Fixtures.site("west"), Fixtures.listener("web", port: 8080),
                                                                         multiKey("    priority:\n      routingKeys: [a, b]\n"), Fixtures.connector("a", port: 9000)))])
        #expect(clash.errors.contains { $0.message.contains("127.0.0.1:8080 is already used by") }, "\(clash)")
        #expect(MultiKeyListenerSpec(network.sites["west"]!.resources(of: .multiKeyListener).first!.spec).strategy == .priority(["a", "b"]))
    }
}
