import SkiffModel
import SkiffSource

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

    /// The report for `skiff plan --site`. Throws when the source or the state directory cannot be
    /// read, or when the site has no folder; an invalid desired state yields a report without a plan.
    public static func plan(site: String, source: SourceRequest, stateDirectory: StateDirectory) throws -> SitePlanReport {
        let desired = try DesiredState.read(source)
        guard let desiredSite = desired.network.sites[site] else {
            throw Failure.siteNotInNetwork(site: site, source: desired.snapshot.summary, sites: desired.network.siteNames)
        }
        let applied = try AppliedRecord.load(from: stateDirectory)
        let siteHasErrors = desired.diagnostics.errors.contains { $0.location.file.hasPrefix("\(site)/") }
        let plan = siteHasErrors ? nil : Planner.plan(site: site, desired: desiredSite, live: applied?.liveSite ?? .empty)
        return SitePlanReport(site: site, desired: desired, plan: plan, applied: applied, stateDirectory: stateDirectory)
    }
}
