/// One finding about the desired state: where, which field, what is wrong.
///
/// Rendered on one line, as compilers do:
/// `west/listeners.yaml:12:5: spec.port: expected an integer 1-65535, got "80a"`.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case warning
        case error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .warning && rhs == .error
        }
    }

    public var severity: Severity
    public var location: SourceLocation
    /// Dotted field path inside the document (`spec.endpoints[0].host`); empty for the whole document or file.
    public var path: String
    public var message: String

    public init(_ severity: Severity, at location: SourceLocation, path: String = "", _ message: String) {
        self.severity = severity
        self.location = location
        self.path = path
        self.message = message
    }

    public static func error(at location: SourceLocation, path: String = "", _ message: String) -> Diagnostic {
        Diagnostic(.error, at: location, path: path, message)
    }

    public static func warning(at location: SourceLocation, path: String = "", _ message: String) -> Diagnostic {
        Diagnostic(.warning, at: location, path: path, message)
    }

    public var description: String {
        let prefix = severity == .warning ? "warning: " : ""
        let field = path.isEmpty ? "" : "\(path): "
        return "\(location): \(prefix)\(field)\(message)"
    }
}

extension Array where Element == Diagnostic {
    public var errors: [Diagnostic] { filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { filter { $0.severity == .warning } }

    /// Sorted for stable output: by file, line, column, then message.
    public func sortedForDisplay() -> [Diagnostic] {
        sorted {
            ($0.location.file, $0.location.line, $0.location.column, $0.message)
                < ($1.location.file, $1.location.line, $1.location.column, $1.message)
        }
    }
}
