import SkiffModel
import Yams

/// A resource a scaffolding command is about to write: kind, name and spec fields in the order
/// Skupper's documentation shows them, rendered as the YAML a person would have written.
public struct ResourceDraft: Sendable, Hashable {
    /// A spec value: what Skupper's fields hold.
    public indirect enum Value: Sendable, Hashable {
        case string(String)
        case int(Int)
        case bool(Bool)
        case list([Value])
        case mapping([Field])
    }

    public struct Field: Sendable, Hashable {
        public var key: String
        public var value: Value

        public init(_ key: String, _ value: Value) {
            self.key = key
            self.value = value
        }
    }

    public var kind: ResourceKind
    public var name: String
    public var spec: [Field]
    /// One line said above the document (`# …`), for the person who reads the file next.
    public var comment: String?

    /// Fails when `name` is not a resource name.
    public init(kind: ResourceKind, name: String, spec: [Field], comment: String? = nil) throws {
        if let problem = ResourceName.problem(name) { throw ScaffoldError.invalidName(name, problem: problem) }
        self.kind = kind
        self.name = name
        self.spec = spec
        self.comment = comment
    }

    public var id: ResourceID { ResourceID(kind: kind, name: name) }

    /// The document, preceded by the `yaml-language-server` line that points editors at
    /// `schemaLocation` (nil: no such line) and by the comment.
    public func yaml(schemaLocation: String?) throws -> String {
        var header = ""
        if let schemaLocation { header += "# yaml-language-server: $schema=\(schemaLocation)\n" }
        if let comment { header += "# \(comment)\n" }
        let document: [Field] = [
            Field("apiVersion", .string(ResourceKind.apiVersion)),
            Field("kind", .string(kind.rawValue)),
            Field("metadata", .mapping([Field("name", .string(name))])),
            Field("spec", .mapping(spec)),
        ]
        return header + (try Yams.serialize(node: Self.node(.mapping(document)), indent: 2, sortKeys: false))
    }

    /// Yams represents each scalar, so a string that would read as a number or a boolean
    /// (`"8080"`, `"yes"`) is quoted.
    private static func node(_ value: Value) throws -> Node {
        switch value {
        case .string(let text): try text.represented()
        case .int(let number): try number.represented()
        case .bool(let flag): try flag.represented()
        case .list(let items): Node.sequence(Node.Sequence(try items.map(node)))
        case .mapping(let fields): Node.mapping(Node.Mapping(try fields.map { (try $0.key.represented(), try node($0.value)) }))
        }
    }
}
