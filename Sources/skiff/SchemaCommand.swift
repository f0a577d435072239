import ArgumentParser
import SkiffModel

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of a resource kind (the contract Skiff validates with).",
        discussion: """
            Editors that speak yaml-language-server complete fields from these schemas. \
            Example: skiff schema Listener > listener.schema.json
            """
    )

    @Argument(help: ArgumentHelp("Resource kind: \(ResourceKind.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "kind"))
    var kind: String

    func run() throws {
        guard let resourceKind = ResourceKind.allCases.first(where: { $0.rawValue.lowercased() == kind.lowercased() }) else {
            throw ValidationError("unknown kind \"\(kind)\"; expected one of: \(ResourceKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        print(SchemaRegistry.text(for: resourceKind), terminator: "")
    }
}
