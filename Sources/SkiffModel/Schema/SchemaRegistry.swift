/// The parsed schema of every kind, from the schemas embedded in the binary.
public enum SchemaRegistry {
    /// Parsed once. A schema that does not parse is a build defect, caught by the test suite.
    public static let schemas: [ResourceKind: JSONSchema] = {
        var result: [ResourceKind: JSONSchema] = [:]
        for kind in ResourceKind.allCases {
            guard let text = EmbeddedSchemas.files[kind.schemaFileName] else {
                preconditionFailure("no embedded schema \(kind.schemaFileName); run scripts/embed-schemas.sh")
            }
            do {
                result[kind] = try JSONSchema.parse(json: text)
            } catch {
                preconditionFailure("embedded schema \(kind.schemaFileName) does not parse: \(error)")
            }
        }
        return result
    }()

    public static func schema(for kind: ResourceKind) -> JSONSchema { schemas[kind]! }

    /// The schema text of a kind, byte for byte as in `Schemas/`.
    public static func text(for kind: ResourceKind) -> String {
        EmbeddedSchemas.files[kind.schemaFileName]! + "\n"
    }
}
