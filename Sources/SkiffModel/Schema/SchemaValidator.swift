import Foundation
import Yams

/// Checks a composed YAML node against a `JSONSchema`, collecting every error with its file, line,
/// column and field path, and converts the node to a `JSONValue` with schema defaults filled in.
///
/// Every node visited costs one unit of a budget shared by the whole file, so alias expansion
/// cannot make validation run away (`YAMLLimits.maxNodes`).
struct SchemaValidator {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    /// Where each field path of the current document was written; reset per document.
    var fieldLocations: [String: SourceLocation] = [:]
    private var budget: Int
    private let initialBudget: Int
    private(set) var exhausted = false

    init(file: String, nodeBudget: Int) {
        self.file = file
        self.budget = nodeBudget
        self.initialBudget = nodeBudget
    }

    /// Nodes visited so far.
    var nodesVisited: Int { initialBudget - max(budget, 0) }

    /// Validates `node` and returns its value with defaults applied (meaningful only without errors).
    mutating func validate(_ node: Node, against schema: JSONSchema?, path: String) -> JSONValue {
        guard spend(node) else { return .null }
        if let mark = node.mark { fieldLocations[path] = SourceLocation(file: file, line: mark.line, column: mark.column) }
        guard let schema else { return convert(node) }
        switch node {
        case .mapping(let mapping):
            guard accepts(schema, .object) else { return mismatch(node, schema, path) }
            return validateMapping(mapping, node: node, schema: schema, path: path)
        case .sequence(let sequence):
            guard accepts(schema, .array) else { return mismatch(node, schema, path) }
            return validateSequence(Array(sequence), node: node, schema: schema, path: path)
        case .scalar, .alias:
            let value = scalarValue(node)
            guard accepts(schema, value) else { return mismatch(node, schema, path) }
            checkScalar(value, node: node, schema: schema, path: path)
            return value
        }
    }

    // MARK: Containers

    private mutating func validateMapping(_ mapping: Node.Mapping, node: Node, schema: JSONSchema, path: String) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for (keyNode, valueNode) in mapping {
            let key = keyNode.scalar?.string ?? "\(keyNode)"
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            if let propertySchema = schema.property(key) {
                if let why = propertySchema.noEffect { warn(keyNode, childPath, "has no effect here: \(why)") }
                members[key] = validate(valueNode, against: propertySchema, path: childPath)
                continue
            }
            switch schema.additionalProperties {
            case .allowed:
                members[key] = validate(valueNode, against: nil, path: childPath)
            case .schema(let additional):
                members[key] = validate(valueNode, against: additional, path: childPath)
            case .forbidden:
                report(keyNode, childPath, unknownFieldMessage(key, schema))
            }
        }
        for name in schema.required where members[name] == nil {
            report(node, path.isEmpty ? name : "\(path).\(name)", schema.property(name)?.missing ?? "required field is missing")
        }
        for (name, propertySchema) in schema.properties where members[name] == nil {
            if let value = propertySchema.defaultValue ?? Self.impliedDefaults(propertySchema) { members[name] = value }
        }
        let value = JSONValue.object(members)
        checkEnum(value, node: node, schema: schema, path: path)
        return value
    }

    private mutating func validateSequence(_ items: [Node], node: Node, schema: JSONSchema, path: String) -> JSONValue {
        if let minItems = schema.minItems, items.count < minItems {
            report(node, path, minItems == 1 ? "must have at least one item" : "must have at least \(minItems) items")
        }
        if let maxItems = schema.maxItems, items.count > maxItems {
            report(node, path, "must have at most \(maxItems) items")
        }
        var values: [JSONValue] = []
        values.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            values.append(validate(item, against: schema.items, path: "\(path)[\(index)]"))
        }
        let value = JSONValue.array(values)
        checkEnum(value, node: node, schema: schema, path: path)
        return value
    }

    // MARK: Scalars

    private mutating func checkScalar(_ value: JSONValue, node: Node, schema: JSONSchema, path: String) {
        if case .string(let string) = value {
            let length = string.unicodeScalars.count
            if let minLength = schema.minLength, length < minLength {
                report(node, path, minLength == 1 ? "must not be empty" : "must be at least \(minLength) characters")
                return
            }
            if let maxLength = schema.maxLength, length > maxLength {
                report(node, path, "must be at most \(maxLength) characters")
                return
            }
            if let pattern = schema.pattern,
               pattern.firstMatch(in: string, range: NSRange(string.startIndex..., in: string)) == nil
            {
                report(node, path, "expected \(expectation(schema)), got \(shown(node, schema))")
                return
            }
        }
        if let number = Self.number(value) {
            if let minimum = schema.minimum, number < minimum {
                report(node, path, "expected \(expectation(schema)), got \(shown(node, schema))")
                return
            }
            if let maximum = schema.maximum, number > maximum {
                report(node, path, "expected \(expectation(schema)), got \(shown(node, schema))")
                return
            }
        }
        checkEnum(value, node: node, schema: schema, path: path)
    }

    private mutating func checkEnum(_ value: JSONValue, node: Node, schema: JSONSchema, path: String) {
        if let constant = schema.constValue, !Self.equal(value, constant) {
            report(node, path, "expected \(constant.rendered), got \(shown(node, schema))")
        } else if let allowed = schema.enumValues, !allowed.contains(where: { Self.equal(value, $0) }) {
            report(node, path, "expected \(expectation(schema)), got \(shown(node, schema))")
        }
    }

    // MARK: Types

    private func accepts(_ schema: JSONSchema, _ type: JSONSchema.ValueType) -> Bool {
        guard let types = schema.types else { return true }
        return types.contains(type)
    }

    private func accepts(_ schema: JSONSchema, _ value: JSONValue) -> Bool {
        guard let types = schema.types else { return true }
        return types.contains { type in
            switch (type, value) {
            case (.string, .string), (.boolean, .bool), (.null, .null), (.number, .int), (.number, .double),
                 (.integer, .int):
                return true
            case (.integer, .double):
                return value.intValue != nil
            default:
                return false
            }
        }
    }

    private mutating func mismatch(_ node: Node, _ schema: JSONSchema, _ path: String) -> JSONValue {
        report(node, path, "expected \(expectation(schema)), got \(shown(node, schema))")
        return .null
    }

    /// How a message describes what the schema accepts: `an integer 1-65535`, `one of: tcp`.
    func expectation(_ schema: JSONSchema) -> String {
        if let expected = schema.expected { return expected }
        if let allowed = schema.enumValues { return "one of: " + allowed.map(\.rendered).joined(separator: ", ") }
        if let constant = schema.constValue { return constant.rendered }
        let types = schema.types ?? []
        let phrases = types.map { type -> String in
            switch type {
            case .integer, .number:
                let noun = type == .integer ? "an integer" : "a number"
                switch (schema.minimum.map(Self.format), schema.maximum.map(Self.format)) {
                case let (low?, high?): return "\(noun) \(low)-\(high)"
                case let (low?, nil): return "\(noun) of at least \(low)"
                case let (nil, high?): return "\(noun) of at most \(high)"
                case (nil, nil): return noun
                }
            case .string:
                if let pattern = schema.pattern { return "a string matching \(pattern.pattern)" }
                return "a string"
            case .boolean: return "true or false"
            case .object: return "a mapping"
            case .array: return "a list"
            case .null: return "null"
            }
        }
        return phrases.isEmpty ? "a value" : phrases.joined(separator: " or ")
    }

    /// The offending value as the user wrote it, or a hint that it is a secret.
    private func shown(_ node: Node, _ schema: JSONSchema) -> String {
        if schema.sensitive { return "a value that is not shown (secret)" }
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar):
            switch scalarValue(node) {
            case .string: return "\"\(scalar.string)\""
            case .null: return "nothing"
            default: return scalar.string
            }
        case .alias: return "an alias"
        }
    }

    private func unknownFieldMessage(_ key: String, _ schema: JSONSchema) -> String {
        let names = schema.properties.map(\.name)
        if let suggestion = Suggestion.closest(to: key, in: names) {
            return "unknown field; did you mean \(suggestion)?"
        }
        return "unknown field; expected one of: " + names.joined(separator: ", ")
    }

    // MARK: Values

    /// The JSON value of a scalar under YAML 1.1 typing (Yams's default resolver, as PyYAML and kubectl).
    func scalarValue(_ node: Node) -> JSONValue {
        ScalarTyping.value(of: node)
    }

    /// Converts a subtree no schema describes, still within the node budget.
    private mutating func convert(_ node: Node) -> JSONValue {
        switch node {
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping where spend(value) {
                members[key.scalar?.string ?? "\(key)"] = convertChild(value)
            }
            return .object(members)
        case .sequence(let sequence):
            var values: [JSONValue] = []
            for item in sequence where spend(item) { values.append(convertChild(item)) }
            return .array(values)
        case .scalar, .alias:
            return scalarValue(node)
        }
    }

    private mutating func convertChild(_ node: Node) -> JSONValue {
        if case .scalar = node { return scalarValue(node) }
        return convert(node)
    }

    private mutating func spend(_ node: Node) -> Bool {
        guard !exhausted else { return false }
        budget -= 1
        if budget < 0 {
            exhausted = true
            report(node, "", "document expands to too many nodes (aliases?); refused")
            return false
        }
        return true
    }

    /// Records a finding made outside the schema walk (so one list holds all of a file's errors).
    mutating func appendDiagnostic(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    private mutating func warn(_ node: Node, _ path: String, _ message: String) {
        let location = SourceLocation(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
        diagnostics.append(.warning(at: location, path: path, message))
    }

    private mutating func report(_ node: Node, _ path: String, _ message: String) {
        let mark = node.mark
        let location = SourceLocation(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0)
        diagnostics.append(.error(at: location, path: path, message))
    }

    // MARK: Helpers

    /// An absent optional object whose fields have defaults (an AccessGrant with no `spec`) means an
    /// object of those defaults, so readers never have to know the defaults themselves.
    static func impliedDefaults(_ schema: JSONSchema) -> JSONValue? {
        guard schema.types == [.object], schema.required.isEmpty else { return nil }
        let defaults = schema.properties.compactMap { property in
            (property.schema.defaultValue ?? impliedDefaults(property.schema)).map { (property.name, $0) }
        }
        return defaults.isEmpty ? nil : .object(Dictionary(uniqueKeysWithValues: defaults))
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = number(a), let y = number(b) { return x == y }
        return a == b
    }

    static func format(_ number: Double) -> String {
        number.rounded() == number ? String(Int(number)) : String(number)
    }
}
