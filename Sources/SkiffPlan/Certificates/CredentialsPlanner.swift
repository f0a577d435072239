import Foundation
import SkiffModel
import SkiffPKI

/// Plans the credentials of a site's `Certificate` resources (`pki/certificates/NAME`): issue what
/// is missing, issue again what git changed, what its CA no longer signs, what is damaged or due
/// for renewal, and remove what left git. Credentials placed there by hand are never replaced or
/// removed. Pure: the desired site, what is on disk and the time in; actions and problems out.
public enum CredentialsPlanner {
    /// The request a Certificate of `site` makes of its PKI. One the router serves links with (a
    /// RouterAccess's `tlsCredentials`) also names the site, as every link certificate does.
    public static func request(_ certificate: Resource, in site: DesiredSite) -> CertificateRequest {
        let spec = CertificateSpec(certificate.spec)
        let servesLinks = site.serverCredentials.provided == certificate.name
        return CertificateRequest(subject: spec.subject, hosts: spec.hosts, client: spec.client, server: spec.server,
                                  signing: spec.signing, issuer: spec.ca, site: servesLinks ? site.name : nil)
    }

    /// `siteCASerial`: the site CA's serial now (nil while it is about to be created).
    public static func plan(site: DesiredSite, live: [String: IssuedCredentials], siteCASerial: String?,
                            now: Date) -> CertificatePlanner.Outcome
    {
        var actions: [PlanAction] = []
        var problems: [Diagnostic] = []
        let certificates = site.resources(of: .certificate).filter { CertificateSpec($0.spec).issuesSomething }
        // CAs first: what they sign is issued after them, and again when they are.
        let ordered = certificates.filter { CertificateSpec($0.spec).signing } + certificates.filter { !CertificateSpec($0.spec).signing }
        var reissued: Set<String> = []
        for certificate in ordered {
            let request = request(certificate, in: site)
            if let issuer = request.issuer, !certificates.contains(where: { $0.name == issuer }), live[issuer] == nil {
                problems.append(.error(at: certificate.location(of: "spec.ca"), path: "spec.ca",
                                       "\(issuer) is neither a signing Certificate in \(site.name)/ nor CA credentials in pki/certificates/\(issuer) (tls.crt, tls.key)"))
                continue
            }
            let onDisk = live[certificate.name]
            if let onDisk, onDisk.issued == nil, !onDisk.report.isMissing {
                problems.append(.error(at: certificate.location, "pki/certificates/\(certificate.name) holds credentials Skiff did not issue; "
                                           + "move them away to let Certificate \(certificate.name) issue its own, or rename the Certificate"))
                continue
            }
            let issuerSerial = request.signing ? nil : request.issuer.map { live[$0]?.report.serial } ?? siteCASerial
            let issuerReissued = request.issuer.map(reissued.contains) ?? (siteCASerial == nil)
            guard let reason = reason(onDisk, request: request, issuerSerial: issuerSerial, issuerReissued: issuerReissued, now: now) else { continue }
            reissued.insert(certificate.name)
            let verb: PlanAction.Verb = onDisk?.issued == nil ? .create : .update
            actions.append(PlanAction(verb: verb, target: .credentials(certificate.name), reason: reason))
        }
        let wanted = Set(certificates.map(\.name))
        for (name, onDisk) in live.sorted(by: { $0.key < $1.key }) where onDisk.issued != nil && !wanted.contains(name) {
            actions.append(PlanAction(verb: .delete, target: .credentials(name), reason: .pruned("Certificate \(name) no longer in git")))
        }
        return CertificatePlanner.Outcome(actions: actions, problems: problems)
    }

    /// Why the credentials must be issued (again), or nil when they stand.
    static func reason(_ onDisk: IssuedCredentials?, request: CertificateRequest, issuerSerial: String?, issuerReissued: Bool,
                       now: Date) -> PlanReason?
    {
        guard let onDisk, let issued = onDisk.issued else { return .missing }
        if issued.request != request { return .changedInGit(changes(from: issued.request, to: request)) }
        if let problem = onDisk.report.problems.first { return .drift(problem.description) }
        if issuerReissued { return .changed("its CA \(request.issuer ?? CertificateSpec.siteCA) is issued again") }
        if let issuerSerial, issued.issuerSerial != issuerSerial {
            return .changed("signed by a CA that \(request.issuer ?? CertificateSpec.siteCA) no longer is (rotated)")
        }
        if let notBefore = onDisk.report.notBefore, let notAfter = onDisk.report.notAfter,
           RenewalPolicy.isDue(notBefore: notBefore, notAfter: notAfter, now: now)
        {
            return PlanReason(.renewal, "expires in " + CertificatePlanner.describe(notAfter.timeIntervalSince(now)))
        }
        return nil
    }

    /// `hosts a,b → a,c; server false → true`.
    static func changes(from old: CertificateRequest, to new: CertificateRequest) -> String {
        var changes: [String] = []
        if old.subject != new.subject { changes.append("subject \(old.subject) → \(new.subject)") }
        if old.hosts.sorted() != new.hosts.sorted() {
            changes.append("hosts \(old.hosts.sorted().joined(separator: ",")) → \(new.hosts.sorted().joined(separator: ","))")
        }
        if old.client != new.client { changes.append("client \(old.client) → \(new.client)") }
        if old.server != new.server { changes.append("server \(old.server) → \(new.server)") }
        if old.signing != new.signing { changes.append("signing \(old.signing) → \(new.signing)") }
        if old.issuer != new.issuer { changes.append("ca \(old.issuer ?? CertificateSpec.siteCA) → \(new.issuer ?? CertificateSpec.siteCA)") }
        return changes.joined(separator: "; ")
    }
}
