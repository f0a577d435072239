import Foundation
import SkiffModel
import SkiffPKI

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
    public static func apply(_ report: SitePlanReport, now: Date = Date()) throws -> [PlanAction] {
        guard let plan = report.plan, report.canApply else {
            throw Failure(action: nil, message: "the plan cannot be applied: " + DiagnosticText.tally(report.diagnostics))
        }
        guard let site = report.desired.network.sites[report.site] else {
            throw Failure(action: nil, message: "site \(report.site) vanished from the desired state")
        }
        let pki = SitePKI(stateDirectory: report.stateDirectory.path)
        for action in plan.actions {
            do {
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
            try pki.createCA(site: requirements.site, algorithm: requirements.caAlgorithm, now: now)
        case (.certificate(.siteCA), _):
            throw Failure(action: action, message: "a site CA is only replaced by `skiff revoke-access`")
        case (.certificate(.routerServer), .create), (.certificate(.routerServer), .update):
            try pki.issueServerCertificate(site: requirements.site, hosts: requirements.serverHosts ?? [],
                                           validity: requirements.serverValidity, now: now)
        case (.certificate(.routerServer), .delete):
            try FileManager.default.removeItem(atPath: pki.serverFolder)
        case (.resource, _):
            // Resources are recorded as applied; the router that serves them reads the record.
            break
        }
    }
}
