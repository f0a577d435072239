import Foundation
import SkiffPKI
import SkiffPlan
import SkiffRouterAPI
import SkiffSupport
import SkiffTelemetry

/// What a site's reconciler tells its router after each cycle (or `skiff apply` after a run), to
/// go round the network in the site's summary: commits, result, errors, the changes still pending,
/// recent applies and certificate expiry. Messages and commit ids only, never a secret.
public enum GitOpsReporting {
    /// The report of a daemon in `state`, whose last cycle left `pending` undone.
    public static func daemonReport(_ state: DaemonState, stateDirectory: StateDirectory) -> GitOpsReport {
        GitOpsReport(
            reconciler: "daemon", headCommit: state.headCommit, appliedCommit: state.goodCommit,
            lastResult: state.lastResult?.rawValue, lastCycleAt: state.lastCycleAt, lastError: state.lastError,
            invalidCommit: state.lastResult == .invalid ? state.headCommit : nil, errors: state.errors, pending: state.pending,
            history: state.history, certificates: certificates(stateDirectory)
        ).bounded()
    }

    /// The report of `skiff apply` just run: what it applied, from the site's applied record.
    public static func applyReport(stateDirectory: StateDirectory, result: String, changes: Int, errors: [String]) -> GitOpsReport {
        let record = try? AppliedRecord.load(from: stateDirectory)
        let at = record?.appliedAt ?? Date()
        return GitOpsReport(
            reconciler: "apply", headCommit: record?.commit, appliedCommit: record?.commit, lastResult: result, lastCycleAt: at,
            lastError: errors.first, errors: errors,
            history: [GitOpsReport.Apply(commit: record?.commit, at: at, result: result, changes: changes)],
            certificates: certificates(stateDirectory)
        ).bounded()
    }

    /// Tells the site's router; a router that is not running simply hears it next time.
    public static func send(_ report: GitOpsReport, stateDirectory: StateDirectory) {
        try? RouterSupervisor(stateDirectory: stateDirectory).client.putGitOps(report)
    }

    /// The site's certificates that exist, with their expiry: the CA, the server's, each link's.
    static func certificates(_ stateDirectory: StateDirectory) -> [GitOpsReport.Certificate] {
        let pki = SitePKI(stateDirectory: stateDirectory.path)
        var reports: [(String, CredentialReport)] = [("site CA", pki.inspectCA()), ("server", pki.inspectServer())]
        let links = (try? FileManager.default.contentsOfDirectory(atPath: pki.root + "/links")) ?? []
        reports += links.sorted().map { ("link " + $0, pki.inspectLink($0)) }
        return reports.compactMap { name, report in report.notAfter.map { GitOpsReport.Certificate(name: name, notAfter: $0) } }
    }
}
