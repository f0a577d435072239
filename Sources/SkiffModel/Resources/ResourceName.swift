/// A resource's `metadata.name`, by the rule its schema states (`Schemas/*.schema.json`, `$defs.name`):
/// 1–253 characters, lowercase letters, digits, '-' and '.', starting and ending with a letter or
/// digit. Names become file and folder names (a token's link folder), so nothing else may pass.
public enum ResourceName {
    public static let maxLength = 253
    public static let expected = "a lowercase name (letters, digits, '-' and '.'; starting and ending with a letter or digit)"

    /// Why `name` is not a resource name, or nil when it is one.
    public static func problem(_ name: String) -> String? {
        guard !name.isEmpty else { return "empty; expected \(expected)" }
        guard name.utf8.count <= maxLength else { return "\(name.utf8.count) characters, more than \(maxLength)" }
        let allowed = name.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
        guard allowed, isAlphanumeric(name.utf8.first!), isAlphanumeric(name.utf8.last!) else {
            return "\"\(name)\" is not \(expected)"
        }
        return nil
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
