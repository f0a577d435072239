import SkiffModel

/// The result of `skiff validate`.
public struct ValidationReport: Sendable {
    public var desired: DesiredState
    public var strict: Bool

    public init(desired: DesiredState, strict: Bool) {
        self.desired = desired
        self.strict = strict
    }

    public var isValid: Bool { desired.isValid(strict: strict) }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .json: return json()
        case .text, .markdown: return text()
        }
    }

    private func text() -> String {
        var lines = ["Validating \(desired.snapshot.summary)"]
        lines += DiagnosticText.lines(desired.diagnostics)
        let network = desired.network
        let verdict = isValid ? "Valid" : "Invalid"
        lines.append("\(verdict): \(network.sites.count) site\(network.sites.count == 1 ? "" : "s"), "
            + "\(network.resourceCount) resource\(network.resourceCount == 1 ? "" : "s"); " + DiagnosticText.tally(desired.diagnostics))
        if !isValid, strict, desired.diagnostics.errors.isEmpty { lines.append("(--strict makes warnings errors)") }
        return lines.joined(separator: "\n")
    }

    private struct Body: Encodable {
        var formatVersion = ReportJSON.formatVersion
        var valid: Bool
        var strict: Bool
        var source: ReportJSON.Source
        var sites: [String]
        var resources: Int
        var errors: Int
        var warnings: Int
        var diagnostics: [ReportJSON.DiagnosticEntry]

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version", valid, strict, source, sites, resources, errors, warnings, diagnostics
        }
    }

    private func json() -> String {
        ReportJSON.encode(Body(
            valid: isValid, strict: strict, source: ReportJSON.Source(desired.snapshot), sites: desired.network.siteNames,
            resources: desired.network.resourceCount, errors: desired.diagnostics.errors.count,
            warnings: desired.diagnostics.warnings.count, diagnostics: desired.diagnostics.map(ReportJSON.DiagnosticEntry.init)))
    }
}
