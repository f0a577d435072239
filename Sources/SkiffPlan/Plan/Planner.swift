import Foundation
import SkiffModel
import SkiffPKI
import SkiffRouterAPI

/// Computes plans. A pure function of (desired, baseline): no files, no sockets, no clock.
public enum Planner {
    /// What the baseline is, which decides how reasons read.
    public enum Baseline: Sendable {
        /// The site's live state: missing things are `missing`, removed things are `pruned`.
        case live
        /// The desired state at another commit (CI): things are `added` or `removed` by the change.
        case commit
    }

    /// The plan for one site. With `certificates`, the site's own certificates are planned too
    /// (against `live.certificates`, at time `now`): they come first, the server certificate's
    /// removal last.
    public static func plan(site: String, desired: DesiredSite?, live: LiveSite, baseline: Baseline = .live,
                            certificates: CertificateRequirements? = nil, router: RouterConfig? = nil,
                            now: Date = Date(timeIntervalSince1970: 0)) -> Plan
    {
        var certificateOutcome = CertificatePlanner.Outcome(actions: [], problems: [])
        if let certificates, let liveCertificates = live.certificates {
            certificateOutcome = CertificatePlanner.plan(certificates, live: liveCertificates, trust: live.trust, site: desired,
                                                         credentials: live.credentials, now: now)
        }
        let resourceActions = resourceActions(desired: desired, live: live, baseline: baseline)
            + (desired.flatMap { site in live.linkCredentials.map { linkCredentialActions(site: site, onDisk: $0) } } ?? [])
            + (desired.flatMap { site in live.trustedLinks.map { TrustedLinkPlanning.actions(site: site, onDisk: $0) } } ?? [])
            + (desired.flatMap { site in live.tokens.map { TokenPlanning.actions(site: site, ledger: $0) } } ?? [])
        let (removals, others) = (certificateOutcome.actions.filter { $0.verb == .delete }, certificateOutcome.actions.filter { $0.verb != .delete })
        let routerActions = router.flatMap { routerAction(site: site, desired: $0, live: live.router, otherActions: others + resourceActions) }
        let (resourceDeletes, resourceOthers) = (resourceActions.filter { $0.verb == .delete }, resourceActions.filter { $0.verb != .delete })
        return Plan(site: site, actions: others + resourceOthers + (routerActions.map { [$0] } ?? []) + resourceDeletes + removals,
                    problems: certificateOutcome.problems + routerProblems(live.router))
    }

    /// Start the router, or push it a new configuration when what it runs differs from what git says.
    /// A difference that no resource change explains is drift: someone changed the router by hand.
    static func routerAction(site: String, desired: RouterConfig, live: RouterLive?, otherActions: [PlanAction]) -> PlanAction? {
        switch live {
        case nil:
            return nil
        case .notRunning?:
            return PlanAction(verb: .create, target: .router(site: site), reason: .notRunning)
        case .unresponsive?:
            return nil
        case .running(let config, let unbound)?:
            var differences = RouterConfigBuilder.differences(from: config, to: desired)
            // New certificates in this plan change the revision the router must load, once issued.
            let certificatesChange = otherActions.contains { if case .certificate = $0.target { true } else { false } }
            if certificatesChange, !differences.contains(RouterConfigBuilder.certificatesRenewed) {
                differences.append(RouterConfigBuilder.certificatesRenewed)
            }
            // So do credentials a listener or connector serves with, once issued again.
            let served = Set((desired.listeners + desired.connectors).compactMap(\.tls?.credentials))
            for action in otherActions {
                if case .credentials(let name) = action.target, served.contains(name) { differences.append("credentials \(name) issued") }
            }
            // A redemption creates a link the router must dial, once redeemed.
            for action in otherActions { if case .redemption(let name) = action.target { differences.append("link \(name) from token") } }
            // What the router could not bind is not live, whatever its configuration says: pushing
            // the configuration again makes it try at once (it also retries by itself).
            guard !differences.isEmpty else {
                guard !unbound.isEmpty else { return nil }
                return PlanAction(verb: .update, target: .router(site: site), reason: .drift(unbound.joined(separator: ", ")))
            }
            // Who changed it: git (a resource changed), Skiff itself (certificates, redemptions),
            // or nobody this plan knows of — drift, someone changed the router by hand.
            let fromGit = otherActions.contains { [.listener, .connector, .link, .routerAccess, .site].contains($0.target.resourceKind) }
                || config.peerCAs != desired.peerCAs  // a site's permission or its ca.crt changed in git
            let bySkiff = otherActions.contains { action in
                switch action.target {
                case .certificate, .credentials, .redemption, .linkCredentials: true
                default: false
                }
            }
            let kind: PlanReason.Kind = fromGit ? .changedInGit : bySkiff ? .changed : .drift
            return PlanAction(verb: .update, target: .router(site: site), reason: PlanReason(kind, differences.joined(separator: ", ")))
        }
    }

    /// Link credentials a Secret in git holds, written where the router reads them when what is
    /// on disk differs (compared by digest: the key is never copied anywhere else).
    static func linkCredentialActions(site: DesiredSite, onDisk: [String: String]) -> [PlanAction] {
        let named = Set(site.resources(of: .link).compactMap { site.secret(for: $0)?.name })
        return site.secrets.filter { named.contains($0.name) }.sorted { $0.name < $1.name }.compactMap { secret in
            switch onDisk[secret.name] {
            case nil:
                return PlanAction(verb: .create, target: .linkCredentials(secret.name), reason: PlanReason(.addedInGit, "Secret/\(secret.name)"))
            case let digest? where digest != SitePKI.linkDigest(pem: secret.pem):
                return PlanAction(verb: .update, target: .linkCredentials(secret.name), reason: .changedInGit("Secret/\(secret.name)"))
            default:
                return nil
            }
        }
    }

    /// A router that is there but does not answer blocks the apply: neither starting another nor
    /// pushing to this one can work.
    static func routerProblems(_ live: RouterLive?) -> [Diagnostic] {
        guard case .unresponsive(let reason)? = live else { return [] }
        return [.error(at: SourceLocation(file: "router/router.sock"), reason)]
    }

    static func resourceActions(desired: DesiredSite?, live: LiveSite, baseline: Baseline) -> [PlanAction] {
        let wanted = Dictionary((desired?.resources ?? []).map { ($0.id, $0.spec) }, uniquingKeysWith: { _, last in last })
        let wantedAnnotations = Dictionary((desired?.resources ?? []).map { ($0.id, $0.plannedAnnotations) }, uniquingKeysWith: { _, last in last })
        var actions: [PlanAction] = []
        for id in wanted.keys.sorted() {
            let spec = wanted[id]!
            let annotated = annotationChanges(from: live.annotations[id] ?? [:], to: wantedAnnotations[id] ?? [:])
            guard let current = live.resources[id] else {
                actions.append(PlanAction(verb: .create, target: .resource(id), reason: PlanReason(baseline == .live ? .addedInGit : .added),
                                          changes: annotated + changes(from: nil, to: spec, kind: id.kind)))
                continue
            }
            // Most resources are unchanged: comparing values is cheaper than listing their fields.
            if annotated.isEmpty, current == spec { continue }
            let fieldChanges = annotated + changes(from: current, to: spec, kind: id.kind)
            guard !fieldChanges.isEmpty else { continue }
            actions.append(PlanAction(verb: .update, target: .resource(id),
                                      reason: PlanReason(baseline == .live ? .changedInGit : .changed, describe(fieldChanges)),
                                      changes: fieldChanges))
        }
        for id in live.resources.keys.sorted(by: >) where wanted[id] == nil {
            actions.append(PlanAction(verb: .delete, target: .resource(id),
                                      reason: baseline == .live ? .pruned("no longer in git") : PlanReason(.removed),
                                      changes: changes(from: live.resources[id], to: nil, kind: id.kind)))
        }
        return actions
    }

    /// Field-by-field differences of two specs, sorted by field; secrets flagged.
    static func changes(from before: JSONValue?, to after: JSONValue?, kind: ResourceKind) -> [FieldChange] {
        let old = before?.flattened(prefix: "spec") ?? [:]
        let new = after?.flattened(prefix: "spec") ?? [:]
        let sensitive = Set(kind.sensitiveSpecFields.map { "spec.\($0)" })
        return Set(old.keys).union(new.keys).sorted().compactMap { field in
            guard old[field] != new[field] else { return nil }
            return FieldChange(field: field, before: old[field], after: new[field], sensitive: sensitive.contains(field))
        }
    }

    /// Changes of the planned annotations, as fields `metadata.annotations.<key>`.
    static func annotationChanges(from before: [String: String], to after: [String: String]) -> [FieldChange] {
        Set(before.keys).union(after.keys).sorted().compactMap { key in
            guard before[key] != after[key] else { return nil }
            return FieldChange(field: "metadata.annotations.\(key)", before: before[key].map { .string($0) }, after: after[key].map { .string($0) },
                               sensitive: false)
        }
    }

    /// `port 8080 → 8081`, or the changed fields' names when there are several.
    static func describe(_ changes: [FieldChange]) -> String {
        if changes.count == 1, let change = changes.first {
            let field = change.field.hasPrefix("spec.") ? String(change.field.dropFirst(5)) : change.field
            if change.sensitive { return "\(field) (sensitive)" }
            return "\(field) \(change.render(change.before)) → \(change.render(change.after))"
        }
        let fields = changes.map { $0.field.hasPrefix("spec.") ? String($0.field.dropFirst(5)) : $0.field }
        return fields.joined(separator: ", ")
    }
}
