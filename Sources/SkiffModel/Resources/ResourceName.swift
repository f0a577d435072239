import Foundation

/// A resource's `metadata.name`, by the rule the schemas state (`Schemas/*.schema.json`,
/// `$defs.name`) — read from them, so a name a flag accepts is one a file may hold. Names become
/// file and folder names (a token's link folder), so nothing else may pass.
public enum ResourceName {
    /// `metadata.name` as every kind's schema defines it.
    static let rule: JSONSchema = SchemaRegistry.schema(for: .accessToken).propertyIndex["metadata"]!.propertyIndex["name"]!

    /// Why `name` is not a resource name, or nil when it is one.
    public static func problem(_ name: String) -> String? {
        let expected = rule.expected ?? "a resource name"
        guard !name.isEmpty else { return "empty; expected \(expected)" }
        if let limit = rule.maxLength, name.count > limit { return "\(name.count) characters, more than \(limit)" }
        if let pattern = rule.pattern, pattern.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) == nil {
            return "\"\(name)\" is not \(expected)"
        }
        return nil
    }
}
