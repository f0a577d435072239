import Foundation
import SkiffModel
import SkiffPKI

/// Plans the site's own certificates. Pure: requirements, what is on disk, and the time in; actions
/// and problems out.
public enum CertificatePlanner {
    public struct Outcome: Sendable {
        public var actions: [PlanAction]
        /// Things no action can fix (a damaged CA): errors stop an apply, warnings do not.
        public var problems: [Diagnostic]
    }

    /// The site CA and trust bundle first, then the credentials of the site's Certificates (CAs
    /// before what they sign), then the router's server certificate, which one of them may issue.
    /// `site` and `credentials` (what is in `pki/certificates/`) are nil when Certificates are not
    /// part of the comparison.
    public static func plan(_ requirements: CertificateRequirements, live: [CertificateRole: CredentialReport],
                            trust: TrustBundleReport? = nil, site: DesiredSite? = nil, credentials: [String: IssuedCredentials]? = nil,
                            now: Date) -> Outcome
    {
        var actions: [PlanAction] = []
        var problems: [Diagnostic] = []
        let ca = live[.siteCA]
        let creatingCA = ca?.isMissing ?? true
        if creatingCA {
            actions.append(PlanAction(verb: .create, target: .certificate(.siteCA), reason: .missing))
        } else if let ca {
            problems += caProblems(ca, now: now)
            if let trust, let reason = trustReason(trust) {
                actions.append(PlanAction(verb: .update, target: .certificate(.trustBundle), reason: reason))
            }
        }
        var issued: Set<String> = []
        if let site, let credentials {
            let outcome = CredentialsPlanner.plan(site: site, live: credentials, siteCASerial: creatingCA ? nil : ca?.serial, now: now)
            actions += outcome.actions
            problems += outcome.problems
            issued = Set(outcome.actions.filter { $0.verb != .delete }.map(\.target.name))
        }
        actions += serverActions(requirements, live: live[.routerServer], creatingCA: creatingCA, siteCASerial: ca?.serial,
                                 credentials: credentials ?? [:], issued: issued, now: now)
        return Outcome(actions: actions, problems: problems)
    }

    /// The router's server certificate: issued when missing, issued again when its names, its CA
    /// or its site changed or it nears expiry; removed when the site serves none, or serves
    /// provided credentials instead.
    static func serverActions(_ requirements: CertificateRequirements, live server: CredentialReport?, creatingCA: Bool, siteCASerial: String?,
                              credentials: [String: IssuedCredentials], issued: Set<String>, now: Date) -> [PlanAction]
    {
        let present = server.map { !$0.isMissing } ?? false
        guard let hosts = requirements.serverHosts else {
            return present ? [PlanAction(verb: .delete, target: .certificate(.routerServer), reason: .pruned("no link access in git"))] : []
        }
        guard case .generated(let issuer) = requirements.serverCredentials else {
            let name = requirements.serverCredentials.provided ?? ""
            return present ? [PlanAction(verb: .delete, target: .certificate(.routerServer), reason: .pruned("the router serves credentials \(name) instead"))] : []
        }
        let hostChange = FieldChange(field: "hosts", before: server.map { .array($0.hosts.sorted().map(JSONValue.string)) },
                                     after: .array(hosts.sorted().map(JSONValue.string)))
        if (creatingCA && issuer == nil) || !present {
            return [PlanAction(verb: .create, target: .certificate(.routerServer), reason: .missing, changes: [hostChange])]
        }
        guard let server else { return [] }
        let issuerName = issuer ?? CertificateSpec.siteCA
        var reason = reissueReason(server, hosts: hosts, site: requirements.site, now: now)
        if reason == nil, let issuer, issued.contains(issuer) {
            reason = .changed("its CA \(issuer) is issued again")
        } else if reason == nil, let expected = issuer.map({ credentials[$0]?.report.serial }) ?? siteCASerial, server.issuerSerial != expected {
            reason = .changed("not signed by \(issuerName) (its issuer changed, or it rotated)")
        }
        guard let reason else { return [] }
        return [PlanAction(verb: .update, target: .certificate(.routerServer), reason: reason, changes: hostChange.before == hostChange.after ? [] : [hostChange])]
    }

    /// Why the trust bundle must be written again, or nil when it holds exactly the CAs to trust.
    static func trustReason(_ trust: TrustBundleReport) -> PlanReason? {
        guard !trust.isCurrent else { return nil }
        guard trust.present != nil else { return .drift("\(trust.path) is missing or unreadable") }
        let ended = trust.noLongerTrusted
        if !ended.isEmpty {
            return .changed("the overlap of retired CA \(ended.joined(separator: ", ")) ended; its links are refused from now on")
        }
        return .drift("\(trust.path) lacks CA \(trust.wanted.filter { !(trust.present ?? []).contains($0) }.joined(separator: ", "))")
    }

    /// Why the server certificate must be issued again, or nil when it is fine.
    static func reissueReason(_ report: CredentialReport, hosts: [String], site: String, now: Date) -> PlanReason? {
        if let problem = report.problems.first { return .drift(problem.description) }
        if report.site != site {
            // Peers refuse a link whose certificate does not name the site its HELLO names.
            return .changed(report.site.map { "certificate names site \($0), not \(site)" } ?? "certificate names no site (issued before site identities)")
        }
        if Set(report.hosts.map { $0.lowercased() }) != Set(hosts.map { $0.lowercased() }) {
            return .changed("hosts " + report.hosts.sorted().joined(separator: ",") + " → " + hosts.sorted().joined(separator: ","))
        }
        if let notBefore = report.notBefore, let notAfter = report.notAfter,
           RenewalPolicy.isDue(notBefore: notBefore, notAfter: notAfter, now: now)
        {
            return PlanReason(.renewal, "expires in " + describe(notAfter.timeIntervalSince(now)))
        }
        return nil
    }

    /// A CA is never replaced by a reconcile: a damaged one is an error for a person to resolve.
    static func caProblems(_ report: CredentialReport, now: Date) -> [Diagnostic] {
        let advice = "Skiff never replaces a site CA by itself: restore pki/ca from a backup, or run `skiff revoke-access` to start a new CA (every link must then be granted again)"
        var problems = report.problems.map { problem in
            Diagnostic.error(at: SourceLocation(file: problem.path), "site CA is damaged: \(problemText(problem)). \(advice)")
        }
        if problems.isEmpty, let notBefore = report.notBefore, let notAfter = report.notAfter,
           RenewalPolicy.isDue(notBefore: notBefore, notAfter: notAfter, now: now)
        {
            problems.append(.warning(at: SourceLocation(file: report.folder + "/ca.crt"),
                                     "site CA expires in \(describe(notAfter.timeIntervalSince(now))); rotate it with `skiff revoke-access --overlap 720h`"))
        }
        return problems
    }

    private static func problemText(_ problem: PKIError) -> String {
        problem.description.dropPrefix(problem.path + ": ")
    }

    /// `6 days`, `3 hours`, `12 minutes`, `expired`.
    static func describe(_ seconds: TimeInterval) -> String {
        switch seconds {
        case ..<0: return "0 seconds (expired)"
        case ..<3600: return "\(Int(seconds / 60)) minutes"
        case ..<(2 * 86400): return "\(Int(seconds / 3600)) hours"
        default: return "\(Int(seconds / 86400)) days"
        }
    }
}
