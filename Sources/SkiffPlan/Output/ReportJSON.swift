import Foundation
import SkiffModel
import SkiffSource

/// The JSON shapes of every report, versioned by `format_version`. Additive changes keep the version;
/// anything that breaks a reader bumps it.
package enum ReportJSON {
    package static let formatVersion = "1.0"

    package struct Source: Encodable {
        var repository: String?
        var folder: String?
        var commit: Commit?

        package init(_ snapshot: Snapshot) {
            switch snapshot.origin {
            case .commit(let info, let repository):
                self.repository = repository
                self.commit = Commit(info)
            case .folder(let path):
                self.folder = path
            }
        }
    }

    package struct Commit: Encodable {
        var id: String
        var author: String
        var time: Date
        var subject: String

        package init(_ info: CommitInfo) {
            id = info.id
            author = info.author
            time = info.time
            subject = info.subject
        }
    }

    package struct DiagnosticEntry: Encodable {
        var severity: String
        var file: String
        var line: Int
        var column: Int
        var path: String
        var message: String
        var text: String

        package init(_ diagnostic: Diagnostic) {
            severity = diagnostic.severity.rawValue
            file = diagnostic.location.file
            line = diagnostic.location.line
            column = diagnostic.location.column
            path = diagnostic.path
            message = diagnostic.message
            text = diagnostic.description
        }
    }

    package struct Summary: Encodable {
        var create: Int
        var update: Int
        var delete: Int
    }

    package struct Action: Encodable {
        var action: String
        var kind: String
        var name: String
        var reason: String
        var changes: [Change]

        package init(_ action: PlanAction) {
            self.action = action.verb.rawValue
            kind = action.target.kind
            name = action.target.name
            reason = action.reason.description
            changes = action.changes.map(Change.init)
        }
    }

    package struct Change: Encodable {
        var field: String
        var before: JSONValue?
        var after: JSONValue?
        var sensitive: Bool

        package init(_ change: FieldChange) {
            field = change.field
            sensitive = change.sensitive
            // Secrets never leave the process; the reader still learns that the field changed.
            before = change.sensitive ? change.before.map { _ in .string("(sensitive)") } : change.before
            after = change.sensitive ? change.after.map { _ in .string("(sensitive)") } : change.after
        }

        package func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(field, forKey: .field)
            try container.encode(before ?? .null, forKey: .before)
            try container.encode(after ?? .null, forKey: .after)
            try container.encode(sensitive, forKey: .sensitive)
        }

        enum CodingKeys: String, CodingKey { case field, before, after, sensitive }
    }

    package static func summary(_ plan: Plan) -> Summary {
        Summary(create: plan.count(.create), update: plan.count(.update), delete: plan.count(.delete))
    }

    package static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
