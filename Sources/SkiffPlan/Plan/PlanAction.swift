import Crypto
import Foundation
import SkiffModel

/// One step of a plan: what happens to which resource or certificate, and why.
public struct PlanAction: Sendable, Hashable, CustomStringConvertible {
    public enum Verb: String, Sendable, Hashable, Codable, CaseIterable {
        case create, update, delete
    }

    public var verb: Verb
    public var target: PlanTarget
    /// Why: who caused it, and the detail people read.
    public var reason: PlanReason
    /// Field by field, for updates (and every field for creates, so a reviewer sees what arrives).
    public var changes: [FieldChange]

    public init(verb: PlanAction.Verb, target: PlanTarget, reason: PlanReason, changes: [FieldChange] = []) {
        self.verb = verb
        self.target = target
        self.reason = reason
        self.changes = changes
    }

    /// `create Listener/api (added in git)`.
    public var description: String { "\(verb.rawValue) \(target) (\(reason))" }
}

/// One field's value before and after; nil means absent. Secrets are masked before they get here.
public struct FieldChange: Sendable, Hashable {
    /// Dotted path under the resource, `spec.port`.
    public var field: String
    public var before: JSONValue?
    public var after: JSONValue?
    /// The values are secrets; render them as `(sensitive)`.
    public var sensitive: Bool

    public init(field: String, before: JSONValue?, after: JSONValue?, sensitive: Bool = false) {
        self.field = field
        self.before = before
        self.after = after
        self.sensitive = sensitive
    }

    /// `spec.port: 8080 → 8081`.
    public var summary: String {
        "\(field): \(render(before)) → \(render(after))"
    }

    func render(_ value: JSONValue?) -> String {
        guard let value else { return "(none)" }
        if sensitive { return "(sensitive)" }
        // A PEM block (a token's CA) says nothing to a reviewer in full; its size and digest do.
        if case .string(let text) = value, text.contains("-----BEGIN ") {
            let kind = text.split(separator: "\n").first { $0.hasPrefix("-----BEGIN ") }?.dropFirst(11).dropLast(5) ?? "PEM"
            return "(\(kind.lowercased()), \(text.utf8.count) bytes, sha256 \(Self.shortDigest(text)))"
        }
        return value.rendered
    }

    static func shortDigest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
    }
}
