/// The `--path` inside a repository: normalised, relative, never climbing out.
public struct NetworkPath: Sendable, Hashable, CustomStringConvertible {
    /// Components without `.`; empty for the repository root.
    public let components: [String]

    public init(_ text: String) throws {
        if text.hasPrefix("/") { throw SourceError.pathEscapes(text) }
        var components: [String] = []
        for part in text.split(separator: "/") where part != "." {
            if part == ".." { throw SourceError.pathEscapes(text) }
            components.append(String(part))
        }
        self.components = components
    }

    /// `a/b`, or `.` for the root.
    public var description: String { components.isEmpty ? "." : components.joined(separator: "/") }
}
