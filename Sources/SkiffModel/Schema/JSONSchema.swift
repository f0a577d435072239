import Foundation

/// The part of JSON Schema 2020-12 that Skiff's schemas use, parsed once from `Schemas/*.schema.json`.
///
/// Parsing refuses any keyword outside this subset, so a schema file can never say something the
/// validator silently ignores: the files stay the contract.
public final class JSONSchema: @unchecked Sendable {
    // @unchecked: every stored property is an immutable `let`; NSRegularExpression is thread-safe for matching.

    public enum ValueType: String, Sendable, CaseIterable {
        case object, array, string, integer, number, boolean, null
    }

    public enum AdditionalProperties: Sendable {
        case allowed
        case forbidden
        case schema(JSONSchema)
    }

    public let types: [ValueType]?
    /// Declared properties in file order (order matters for "expected one of" messages).
    public let properties: [(name: String, schema: JSONSchema)]
    public let required: [String]
    public let additionalProperties: AdditionalProperties
    public let items: JSONSchema?
    public let enumValues: [JSONValue]?
    public let constValue: JSONValue?
    public let minimum: Double?
    public let maximum: Double?
    public let minLength: Int?
    public let maxLength: Int?
    public let minItems: Int?
    public let maxItems: Int?
    public let pattern: NSRegularExpression?
    public let defaultValue: JSONValue?
    /// `x-skiff-expected`: how an error message describes a valid value ("a duration such as 15m").
    public let expected: String?
    /// `x-skiff-sensitive`: the value is a secret and is never echoed in a message.
    public let sensitive: Bool
    /// `x-skiff-no-effect`: a Skupper field Skiff accepts but does not act on, and why (what to do
    /// instead); setting it draws a warning, so no field is accepted and silently ignored.
    public let noEffect: String?
    /// `x-skiff-missing`: what to say when this required field is absent, when "required field
    /// is missing" is not enough (a Connector's host, which Kubernetes does not need).
    public let missing: String?

    let propertyIndex: [String: JSONSchema]

    static let supportedKeywords: Set<String> = [
        "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "examples", "default",
        "type", "properties", "required", "additionalProperties", "items", "enum", "const",
        "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "pattern",
        "x-skiff-expected", "x-skiff-sensitive", "x-skiff-no-effect", "x-skiff-missing",
    ]

    public struct ParseError: Error, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "schema \(path): \(message)" }
    }

    /// Parses a schema document (JSON text).
    public static func parse(json: String) throws -> JSONSchema {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        return try parse(value, definitions: value["$defs"]?.objectValue ?? [:], path: "#", refDepth: 0)
    }

    /// Parses `value`, following a local `$ref` (`#/$defs/name`) to its definition.
    static func parse(_ value: JSONValue, definitions: [String: JSONValue], path: String, refDepth: Int) throws -> JSONSchema {
        guard var members = value.objectValue else {
            throw ParseError(path: path, message: "a schema must be an object")
        }
        guard let ref = members["$ref"]?.stringValue else {
            return try JSONSchema(members: members, definitions: definitions, path: path, refDepth: refDepth)
        }
        let prefix = "#/$defs/"
        guard ref.hasPrefix(prefix), let target = definitions[String(ref.dropFirst(prefix.count))], refDepth < 16 else {
            throw ParseError(path: path, message: "unresolvable $ref \(ref)")
        }
        members.removeValue(forKey: "$ref")
        // A $ref beside other keywords would need `allOf` semantics; the subset keeps refs alone.
        guard members.keys.allSatisfy({ ["description", "title", "$comment"].contains($0) }) else {
            throw ParseError(path: path, message: "$ref must stand alone")
        }
        return try parse(target, definitions: definitions, path: ref, refDepth: refDepth + 1)
    }

    private init(members: [String: JSONValue], definitions: [String: JSONValue], path: String, refDepth: Int) throws {
        if let unknown = members.keys.first(where: { !Self.supportedKeywords.contains($0) }) {
            throw ParseError(path: path, message: "keyword \(unknown) is outside the subset Skiff implements")
        }
        types = try Self.parseTypes(members["type"], path: path)
        var properties: [(String, JSONSchema)] = []
        for (name, schema) in (members["properties"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            properties.append((name, try JSONSchema.parse(schema, definitions: definitions, path: "\(path)/properties/\(name)",
                                                    refDepth: refDepth)))
        }
        self.properties = properties
        propertyIndex = Dictionary(uniqueKeysWithValues: properties)
        required = (members["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        switch members["additionalProperties"] {
        case .none, .bool(true)?: additionalProperties = .allowed
        case .bool(false)?: additionalProperties = .forbidden
        case let schema?:
            additionalProperties = .schema(try JSONSchema.parse(schema, definitions: definitions,
                                                          path: "\(path)/additionalProperties", refDepth: refDepth))
        }
        items = try members["items"].map { try JSONSchema.parse($0, definitions: definitions, path: "\(path)/items", refDepth: refDepth) }
        enumValues = members["enum"]?.arrayValue
        constValue = members["const"]
        minimum = members["minimum"].flatMap(Self.number)
        maximum = members["maximum"].flatMap(Self.number)
        minLength = members["minLength"]?.intValue
        maxLength = members["maxLength"]?.intValue
        minItems = members["minItems"]?.intValue
        maxItems = members["maxItems"]?.intValue
        if let source = members["pattern"]?.stringValue {
            do {
                pattern = try NSRegularExpression(pattern: source)
            } catch {
                throw ParseError(path: path, message: "invalid pattern \(source)")
            }
        } else {
            pattern = nil
        }
        defaultValue = members["default"]
        expected = members["x-skiff-expected"]?.stringValue
        sensitive = members["x-skiff-sensitive"]?.boolValue ?? false
        noEffect = members["x-skiff-no-effect"]?.stringValue
        missing = members["x-skiff-missing"]?.stringValue
    }

    public func property(_ name: String) -> JSONSchema? { propertyIndex[name] }

    private static func parseTypes(_ value: JSONValue?, path: String) throws -> [ValueType]? {
        guard let value else { return nil }
        let names = value.arrayValue?.compactMap(\.stringValue) ?? value.stringValue.map { [$0] } ?? []
        return try names.map { name in
            guard let type = ValueType(rawValue: name) else { throw ParseError(path: path, message: "unknown type \(name)") }
            return type
        }
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }
}
