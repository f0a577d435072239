import Yams

/// YAML 1.1 typing of scalars (as Yams's default resolver, PyYAML and kubectl do it), with a fast
/// path: Yams tries up to seven regular expressions per plain scalar, which dominated the time to
/// validate large networks. Plain scalars that cannot be anything but a string (names, hosts, keys)
/// or are plain decimal integers are typed here; everything else still goes to Yams's resolver,
/// so the result is identical.
enum ScalarTyping {
    static let strTag = Tag.Name.str.rawValue

    static let booleans: [String: Bool] = [
        "yes": true, "Yes": true, "YES": true, "true": true, "True": true, "TRUE": true, "on": true, "On": true, "ON": true,
        "no": false, "No": false, "NO": false, "false": false, "False": false, "FALSE": false, "off": false, "Off": false,
        "OFF": false,
    ]

    static let nulls: Set<String> = ["", "~", "null", "Null", "NULL"]

    static func value(of node: Node) -> JSONValue {
        guard case .scalar(let scalar) = node else { return .null }
        let string = scalar.string
        let tag = scalar.tag.description
        if tag == strTag { return .string(string) }
        if tag.isEmpty, let fast = plainValue(string) { return fast }
        return resolved(node, string)
    }

    /// The value of an untagged plain scalar when it is unambiguous without regular expressions.
    static func plainValue(_ string: String) -> JSONValue? {
        if let flag = booleans[string] { return .bool(flag) }
        if nulls.contains(string) { return .null }
        guard let first = string.utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            let utf8 = string.utf8
            let digitsOnly = utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            if digitsOnly, first != UInt8(ascii: "0") || utf8.count == 1, let value = Int(string) { return .int(value) }
            // Two dots (an IPv4 address, a version) fit no number or timestamp rule: each allows one.
            if utf8.count(where: { $0 == UInt8(ascii: ".") }) >= 2 { return .string(string) }
            return nil
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "<"), UInt8(ascii: "="):
            return nil
        default:
            return .string(string)
        }
    }

    /// Yams's own rules, applied with its default resolver. Values are constructed from the text,
    /// not through the node's tag: documents are composed with `Resolver.basic` (see `YAMLDocumentLoader`).
    private static func resolved(_ node: Node, _ string: String) -> JSONValue {
        guard case .scalar(let scalar) = node else { return .null }
        switch Resolver.default.resolveTag(of: node) {
        case .null: return .null
        case .bool: return Bool.construct(from: scalar).map(JSONValue.bool) ?? .string(string)
        case .int:
            if let value = string.contains(":") ? sexagesimal(string) : Int.construct(from: scalar) { return .int(value) }
            return Double.construct(from: scalar).map(JSONValue.double) ?? .string(string)
        case .float: return Double.construct(from: scalar).map(JSONValue.double) ?? .string(string)
        default: return .string(string)
        }
    }

    /// A YAML 1.1 base-60 integer (`190:20:30`), or nil when it does not fit an Int. Yams's own
    /// conversion multiplies without overflow checks and traps on `1:2:2:2:2:2:2:2:2:2:2:2` (found by
    /// the network-file fuzz target); a value past Int is read as a Double, as a long decimal is.
    static func sexagesimal(_ string: String) -> Int? {
        var digits = Substring(string)
        let negative = digits.first == "-"
        if negative || digits.first == "+" { digits = digits.dropFirst() }
        var value = 0
        for part in digits.split(separator: ":", omittingEmptySubsequences: false) {
            guard let digit = Int(part.filter { $0 != "_" }, radix: 10), digit >= 0 else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 60)
            let (sum, carry) = shifted.addingReportingOverflow(digit)
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return negative ? -value : value
    }
}
