import Foundation

/// A JSON-shaped value: what a YAML document means once its scalars are typed.
///
/// Resources keep their documents in this form (with schema defaults filled in), so that planning
/// and diffing work on plain data and the JSON output of plans needs no second representation.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Integers, and doubles with no fractional part (JSON Schema's notion of an integer).
    public var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .double(let value) where value.rounded() == value && abs(value) < 9e15: return Int(value)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// A string map (`settings`, `labels`): non-string members are skipped.
    public var stringMap: [String: String] {
        (objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    /// Compact single-line rendering for plan output: strings quoted, containers in JSON form.
    public var rendered: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        case .array, .object:
            let data = (try? JSONValue.compactEncoder.encode(self)) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// Leaf values by dotted path (`endpoints[0].host`), for field-by-field diffs.
    /// Empty containers count as leaves so that `settings: {}` → `settings: {a: b}` shows up.
    public func flattened(prefix: String = "") -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        flatten(into: &result, prefix: prefix)
        return result
    }

    private func flatten(into result: inout [String: JSONValue], prefix: String) {
        switch self {
        case .object(let members) where !members.isEmpty:
            for (key, value) in members {
                value.flatten(into: &result, prefix: prefix.isEmpty ? key : "\(prefix).\(key)")
            }
        case .array(let items) where !items.isEmpty:
            for (index, value) in items.enumerated() {
                value.flatten(into: &result, prefix: "\(prefix)[\(index)]")
            }
        default:
            result[prefix] = self
        }
    }

    static let compactEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

extension JSONValue: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
