import Foundation
import SkiffPKI

/// What `skiff apply` did, and the site's certificates afterwards.
public struct ApplyReport: Sendable {
    public var site: String
    public var executed: [PlanAction]
    /// The plan computed right after applying: empty when the site converged.
    public var followUp: Plan?
    public var certificates: [CertificateRole: CredentialReport]

    public init(site: String, executed: [PlanAction], followUp: Plan?, certificates: [CertificateRole: CredentialReport]) {
        self.site = site
        self.executed = executed
        self.followUp = followUp
        self.certificates = certificates
    }

    public var converged: Bool { !(followUp?.hasChanges ?? true) }

    public func render() -> String {
        // Certificates are live once written; resources are recorded for the router to serve.
        var lines = executed.map { action in
            let outcome = if case .certificate = action.target { "done" } else { "recorded" }
            return "  \(ActionText.symbol(action.verb)) \(action.verb.rawValue) \(action.target) (\(action.reason)): \(outcome)"
        }
        let count = { (verb: PlanAction.Verb) in self.executed.count { $0.verb == verb } }
        if !executed.isEmpty {
            lines.append("Apply complete: \(count(.create)) created, \(count(.update)) updated, \(count(.delete)) deleted.")
        }
        for role in CertificateRole.allCases {
            guard let report = certificates[role], !report.isMissing else { continue }
            let until = report.notAfter.map { ISO8601DateFormatter().string(from: $0) } ?? "?"
            let names = report.hosts.isEmpty ? "" : " for " + report.hosts.joined(separator: ", ")
            let state = report.isHealthy ? "Ready" : "Error: " + report.problems.map(\.description).joined(separator: "; ")
            lines.append("\(PlanTarget.certificate(role))\(names): \(state), valid until \(until)")
        }
        if !converged, let followUp {
            lines.append("Not converged: a new plan still has \(followUp.actions.count) action(s):")
            lines += followUp.actions.flatMap { ActionText.lines($0) }
        }
        return lines.joined(separator: "\n")
    }
}
