import Foundation
import SkiffPlan

/// The one apply workflow, run by `skiff apply` and by the daemon alike: plan, carry the plan
/// out, plan again to see that the site converged, and read what the router now serves. Only the
/// printing differs between them.
public enum ApplyRun {
    /// What one apply did and where it left the site.
    public struct Result: Sendable {
        public var applied: ApplyReport
        public var status: SiteStatusReport
        /// Sockets the router could not bind, one line each naming the resource and address.
        public var bindFailures: [String] { status.bindFailures }

        /// Converged, and everything the site should serve is bound.
        public var succeeded: Bool { applied.converged && bindFailures.isEmpty }

        /// Why not, in one line (nil on success).
        public var failure: String? {
            if let first = bindFailures.first { return first + (bindFailures.count > 1 ? " (and \(bindFailures.count - 1) more)" : "") }
            if !applied.converged, let followUp = applied.followUp {
                return "not converged: a new plan still has \(followUp.actions.count) action(s), the first "
                    + (followUp.actions.first.map(\.description) ?? "?")
            }
            return nil
        }
    }

    /// Carries out `report` (which must be applicable), then checks the site: a new plan (empty
    /// when converged) and the router's status. `routerExecutable` starts the router when needed.
    public static func execute(_ report: SitePlanReport, routerExecutable: String?, hostname: String = ProcessInfo.processInfo.hostName,
                               now: Date = Date()) throws -> Result
    {
        let executed = try Executor.apply(report, routerExecutable: routerExecutable, now: now)
        let after = try SitePlanning.plan(site: report.site, desired: report.desired, stateDirectory: report.stateDirectory,
                                          hostname: hostname, now: Date())
        let status = try SiteStatusReport.read(site: report.site, stateDirectory: report.stateDirectory)
        return Result(applied: ApplyReport(site: report.site, executed: executed, followUp: after.plan), status: status)
    }
}
