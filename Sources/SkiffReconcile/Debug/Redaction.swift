import Foundation

/// Removes secrets from JSON before it leaves the state directory: the value of every field whose
/// name says it holds one (a grant's one-time `code`, a `secret`, a `password`, a `token`, a
/// private key), and any string that carries a PEM private key, however the field is named.
public enum Redaction {
    public static let marker = "(removed)"
    static let secretFields: Set<String> = ["code", "secret", "password", "token", "privatekey", "key", "tls.key"]

    /// `data` (JSON) with secrets replaced by `marker`; nil when it is not JSON.
    public static func redactJSON(_ data: Data) -> Data? {
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        return try? JSONSerialization.data(withJSONObject: redact(object), options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
    }

    static func redact(_ value: Any) -> Any {
        switch value {
        case let object as [String: Any]:
            var result: [String: Any] = [:]
            for (name, field) in object {
                result[name] = secretFields.contains(name.lowercased()) && !(field is NSNull) ? marker : redact(field)
            }
            return result
        case let array as [Any]:
            return array.map(redact)
        case let text as String:
            return text.contains("PRIVATE KEY-----") ? marker : text
        default:
            return value
        }
    }
}
