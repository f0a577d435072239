import SkiffModel

/// Diagnostics as people read them: one line each, errors and warnings counted at the end.
package enum DiagnosticText {
    package static func lines(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.map(\.description)
    }

    /// `2 errors, 1 warning.`
    package static func tally(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.errors.count, warnings = diagnostics.warnings.count
        return "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")."
    }
}
