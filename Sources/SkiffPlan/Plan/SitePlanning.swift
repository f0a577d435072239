import Foundation
import SkiffAccess
import SkiffModel
import SkiffPKI
import SkiffRouterAPI
import SkiffSource
import SkiffSupport

/// Planning one site end to end: read the desired state, read the live state, plan.
public enum SitePlanning {
    public enum Failure: Error, CustomStringConvertible {
        case siteNotInNetwork(site: String, source: String, sites: [String])

        public var description: String {
            switch self {
            case .siteNotInNetwork(let site, let source, let sites):
                let known = sites.isEmpty ? "it has no site folders" : "its sites are " + sites.joined(separator: ", ")
                return "site \"\(site)\" is not in \(source); \(known)"
            }
        }
    }

    /// The live state of a site: what its record says was applied, and its certificates on disk.
    /// With `router: false` the router is left out of the comparison (planning certificates alone).
    public static func live(stateDirectory: StateDirectory, now: Date, router: Bool = true) throws -> (LiveSite, AppliedRecord?) {
        let applied = try AppliedRecord.load(from: stateDirectory)
        var live = applied?.liveSite ?? .empty
        live.certificates = certificates(stateDirectory, now: now)
        live.trust = SitePKI(stateDirectory: stateDirectory.path).inspectTrust(now: now)
        live.tokens = try TokenLedger.load(stateDirectory: stateDirectory.path)
        live.linkCredentials = SitePKI(stateDirectory: stateDirectory.path).linkDigests()
        live.trustedLinks = SitePKI(stateDirectory: stateDirectory.path).inspectTrustedLinks(now: now)
        live.credentials = SitePKI(stateDirectory: stateDirectory.path).inspectCertificates(now: now)
        if router { live.router = RouterSupervisor(stateDirectory: stateDirectory).live() }
        return (live, applied)
    }

    /// The router configuration for `site`, stamped with the certificates it will serve and trust.
    public static func routerConfig(for site: DesiredSite, certificates: [CertificateRole: CredentialReport], trust: TrustBundleReport?,
                                    tokens: TokenLedger = TokenLedger(), credentials: [String: IssuedCredentials] = [:],
                                    hostname: String) -> RouterConfig
    {
        var config = RouterConfigBuilder.build(site, tokens: tokens, credentials: credentials, hostname: hostname)
        // Provided server credentials count in the revision as the generated ones do.
        let served = config.serverCredentials.flatMap { credentials[$0]?.report }
        config.tlsRevision = tlsRevision(certificates: certificates, trust: trust, served: served)
        return config
    }

    /// What the router must reload when it changes: the CA and server certificate serials, and the
    /// retired CAs still trusted (so the end of an overlap reloads it too, and it drops the links
    /// whose certificates the bundle no longer holds).
    public static func tlsRevision(certificates: [CertificateRole: CredentialReport], trust: TrustBundleReport?,
                                   served: CredentialReport? = nil) -> String
    {
        let server = served ?? certificates[.routerServer]
        let serials = [certificates[.siteCA]?.serial, server?.serial].map { $0 ?? "-" }.joined(separator: "/")
        let retired = trust?.retiredTrusted ?? []
        return retired.isEmpty ? serials : serials + "/" + retired.joined(separator: "+")
    }

    /// The site's certificates as found on disk now.
    package static func certificates(_ stateDirectory: StateDirectory, now: Date) -> [CertificateRole: CredentialReport] {
        let pki = SitePKI(stateDirectory: stateDirectory.path)
        return [.siteCA: pki.inspectCA(now: now), .routerServer: pki.inspectServer(now: now)]
    }

    /// The report for `skiff plan --site` (and the first step of `apply`). Throws when the source or
    /// the state directory cannot be read, or when the site has no folder; an invalid desired state
    /// yields a report without a plan.
    public static func plan(site: String, source: SourceRequest, stateDirectory: StateDirectory,
                            hostname: String = ProcessInfo.processInfo.hostName, now: Date = Date(), router: Bool = true) throws -> SitePlanReport
    {
        let desired = try DesiredState.read(source)
        return try plan(site: site, desired: desired, stateDirectory: stateDirectory, hostname: hostname, now: now, router: router)
    }

    public static func plan(site: String, desired: DesiredState, stateDirectory: StateDirectory, hostname: String,
                            now: Date, router: Bool = true) throws -> SitePlanReport
    {
        guard let desiredSite = desired.network.sites[site] else {
            throw Failure.siteNotInNetwork(site: site, source: desired.snapshot.summary, sites: desired.network.siteNames)
        }
        var desired = desired
        desired.diagnostics = (desired.diagnostics + CertificateRequirements.settingProblems(desiredSite)
            + GrantServerPlanning.settingProblems(desiredSite)).sortedForDisplay()
        let (live, applied) = try Self.live(stateDirectory: stateDirectory, now: now, router: router)
        let siteHasErrors = !desired.errors(blocking: site).isEmpty
        let requirements = CertificateRequirements(site: desiredSite, hostname: hostname)
        var plan = siteHasErrors
            ? nil : Planner.plan(site: site, desired: desiredSite, live: live, certificates: requirements,
                                 router: routerConfig(for: desiredSite, certificates: live.certificates ?? [:], trust: live.trust, tokens: live.tokens ?? TokenLedger(),
                                                      credentials: live.credentials ?? [:], hostname: hostname),
                                 now: now)
        plan?.problems += LinkCredentialCheck.problems(site: desiredSite, pki: SitePKI(stateDirectory: stateDirectory.path), now: now)
        plan?.problems += PublicCACheck.problems(site: desiredSite, pki: SitePKI(stateDirectory: stateDirectory.path), now: now)
        plan?.problems += TokenPlanning.problems(site: desiredSite, ledger: live.tokens ?? TokenLedger())
        plan?.problems += CredentialsCheck.problems(site: desiredSite, credentials: live.credentials ?? [:])
        var report = SitePlanReport(site: site, desired: desired, plan: plan, applied: applied, stateDirectory: stateDirectory,
                                    requirements: requirements)
        report.liveFingerprint = live.fingerprint
        return report
    }
}
