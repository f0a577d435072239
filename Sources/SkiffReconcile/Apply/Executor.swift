import Foundation
import SkiffAccess
import SkiffAccessHTTPS
import SkiffModel
import SkiffPKI
import SkiffPlan
import SkiffRouterAPI
import SkiffSupport

/// Carries out a site plan, in order, then records what was applied.
public enum Executor {
    public struct Failure: Error, CustomStringConvertible {
        public var action: PlanAction?
        public var message: String

        public var description: String {
            guard let action else { return message }
            return "\(action.verb.rawValue) \(action.target): \(message)"
        }
    }

    /// Executes every action of `report`'s plan and writes `records/applied.json`. Stops at the first
    /// failure (later runs pick up from what is then live); refuses a report that cannot be applied.
    /// `routerExecutable` is the `skiff` binary that runs the router when it must be started.
    public static func apply(_ report: SitePlanReport, routerExecutable: String? = nil, now: Date = Date()) throws -> [PlanAction] {
        guard let plan = report.plan, report.canApply else {
            throw Failure(action: nil, message: "the plan cannot be applied: " + DiagnosticText.tally(report.diagnostics))
        }
        guard let site = report.desired.network.sites[report.site] else {
            throw Failure(action: nil, message: "site \(report.site) vanished from the desired state")
        }
        let pki = SitePKI(stateDirectory: report.stateDirectory.path)
        for action in plan.actions {
            do {
                if case .linkCredentials(let name) = action.target {
                    if let trusted = site.trustedLinks[name] {
                        try pki.issueTrustedLinkCredentials(name, site: site.name, peer: trusted.peer, peerCA: trusted.peerCA.pem, now: now)
                        continue
                    }
                    guard let secret = site.secrets.first(where: { $0.name == name }) else { continue }
                    try pki.writeLinkCredentials(name, pem: secret.pem)
                    continue
                }
                if case .redemption(let name) = action.target {
                    try redeem(name, site: site, stateDirectory: report.stateDirectory, now: now)
                    continue
                }
                if case .router = action.target {
                    try executeRouter(action, site: site, stateDirectory: report.stateDirectory, executable: routerExecutable,
                                      hostname: report.requirements.hostname, now: now)
                    continue
                }
                if case .credentials(let name) = action.target {
                    try executeCredentials(action, name: name, site: site, pki: pki, algorithm: report.requirements.caAlgorithm, now: now)
                    continue
                }
                try execute(action, requirements: report.requirements, pki: pki, now: now)
            } catch {
                throw Failure(action: action, message: "\(error)")
            }
        }
        let record = AppliedRecord(site: site, commit: report.desired.snapshot.commit?.id, appliedAt: now)
        do {
            try record.write(to: report.stateDirectory)
        } catch {
            throw Failure(action: nil, message: "cannot write \(report.stateDirectory.appliedRecordPath): \(error)")
        }
        return plan.actions
    }

    static func execute(_ action: PlanAction, requirements: CertificateRequirements, pki: SitePKI, now: Date) throws {
        switch (action.target, action.verb) {
        case (.certificate(.siteCA), .create):
            _ = try pki.createCA(site: requirements.site, algorithm: requirements.caAlgorithm, now: now)
        case (.certificate(.siteCA), _):
            throw Failure(action: action, message: "a site CA is only replaced by `skiff revoke-access`")
        case (.certificate(.routerServer), .create), (.certificate(.routerServer), .update):
            guard case .generated(let issuer) = requirements.serverCredentials else { return }
            try pki.issueServerCertificate(site: requirements.site, hosts: requirements.serverHosts ?? [], issuer: issuer,
                                           validity: requirements.serverValidity, now: now)
        case (.certificate(.routerServer), .delete):
            try FileManager.default.removeItem(atPath: pki.serverFolder)
        case (.certificate(.trustBundle), _):
            try pki.writeTrustBundle(now: now)
        case (.resource, _):
            // Listeners, connectors and links take effect through the router's configuration,
            // which a router action pushes; the rest is recorded.
            break
        case (.router, _), (.redemption, _), (.linkCredentials, _), (.credentials, _):
            break
        }
    }

    /// Issues (again) or removes the credentials of Certificate `name`.
    static func executeCredentials(_ action: PlanAction, name: String, site: DesiredSite, pki: SitePKI, algorithm: KeyAlgorithm,
                                   now: Date) throws
    {
        guard action.verb != .delete else { return try pki.removeCertificate(name) }
        guard let certificate = site.resources(of: .certificate).first(where: { $0.name == name }) else { return }
        try pki.issueCertificate(name, request: CredentialsPlanner.request(certificate, in: site), algorithm: algorithm, now: now)
    }

    /// Writes the router's configuration, then starts the router or pushes the configuration to it.
    /// The configuration is built now, after any certificate action, so it names the new ones.
    static func executeRouter(_ action: PlanAction, site: DesiredSite, stateDirectory: StateDirectory, executable: String?,
                              hostname: String, now: Date) throws
    {
        let pki = SitePKI(stateDirectory: stateDirectory.path)
        let config = SitePlanning.routerConfig(for: site, certificates: SitePlanning.certificates(stateDirectory, now: now),
                                               trust: pki.inspectTrust(now: now), tokens: try TokenLedger.load(stateDirectory: stateDirectory.path),
                                               credentials: pki.inspectCertificates(now: now), hostname: hostname)
        try RouterProcess.saveConfig(config, stateDirectory: stateDirectory.path)
        let supervisor = RouterSupervisor(stateDirectory: stateDirectory)
        if action.verb == .create {
            guard let executable else { throw Failure(action: action, message: "no skiff executable to run the router with") }
            try supervisor.start(executable: executable, site: site.name)
        } else {
            try supervisor.client.put(config)
        }
    }

    /// Redeems the AccessToken `name`. A refusal or an unreachable grant server is recorded in
    /// `records/tokens.json` (and shown by status), not thrown: the rest of the site still applies.
    static func redeem(_ name: String, site: DesiredSite, stateDirectory: StateDirectory, now: Date) throws {
        guard let resource = site.resources(of: .accessToken).first(where: { $0.name == name }) else { return }
        let spec = AccessTokenSpec(resource.spec)
        _ = try TokenRedemption.redeem(name: name, token: RedemptionClient.Token(url: spec.url, code: spec.code, ca: spec.ca),
                                       cost: spec.linkCost, site: site.name, stateDirectory: stateDirectory.path, now: now)
    }
}
