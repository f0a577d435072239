import ArgumentParser
import Foundation
import SkiffModel
import SkiffSupport

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of a resource kind, or write them all (the contract Skiff validates with).",
        discussion: """
            Editors that speak yaml-language-server complete fields from these schemas: the files skiff's \
            create verbs write point at them. Examples: skiff schema Listener > listener.schema.json; \
            skiff schema --write network/.skiff/schemas
            """
    )

    @Argument(help: ArgumentHelp("Resource kind: \(ResourceKind.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "kind"))
    var kind: String?

    @Option(name: .long, help: ArgumentHelp("Write every kind's schema into this folder (KIND.schema.json) instead of printing one.", valueName: "dir"))
    var write: String?

    func validate() throws {
        if kind == nil, write == nil { throw ValidationError("name a kind, or --write DIR for all of them") }
        if kind != nil, write != nil { throw ValidationError("--write writes every kind; leave out \(kind!)") }
    }

    func run() throws {
        if let write {
            try FileManager.default.createDirectory(atPath: write, withIntermediateDirectories: true)
            for kind in ResourceKind.allCases {
                try AtomicFile.write(SchemaRegistry.text(for: kind), to: "\(write)/\(kind.schemaFileName)", permissions: 0o644)
            }
            print("Wrote \(ResourceKind.allCases.count) schemas to \(write)")
            return
        }
        guard let resourceKind = ResourceKind.allCases.first(where: { $0.rawValue.lowercased() == kind!.lowercased() }) else {
            throw ValidationError("unknown kind \"\(kind!)\"; expected one of: \(ResourceKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        print(SchemaRegistry.text(for: resourceKind), terminator: "")
    }
}
