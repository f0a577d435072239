import Yams

/// Turns one YAML document into a `Resource`: picks the schema by `kind`, validates the whole
/// document against it and keeps the parts that make up the desired state.
enum ResourceDecoder {
    /// The resource, or nil when the document has errors (all of them appended to the validator).
    static func decode(_ document: YAMLDocument, site: String, validator: inout SchemaValidator) -> Resource? {
        let location = document.location
        guard case .mapping = document.node else {
            validator.appendDiagnostic(.error(at: location, "expected a resource (a mapping with apiVersion, kind, metadata and spec)"))
            return nil
        }
        guard let kindNode = document.node["kind"], let kindName = kindNode.scalar?.string else {
            validator.appendDiagnostic(.error(at: location, path: "kind", "required field is missing"))
            return nil
        }
        guard let kind = ResourceKind(rawValue: kindName) else {
            let names = ResourceKind.allCases.map(\.rawValue)
            let hint = Suggestion.closest(to: kindName, in: names).map { "did you mean \($0)?" }
                ?? "expected one of: " + names.joined(separator: ", ")
            let at = SourceLocation(file: document.file, line: kindNode.mark?.line ?? 0, column: kindNode.mark?.column ?? 0)
            validator.appendDiagnostic(.error(at: at, path: "kind", "unknown kind \"\(kindName)\"; \(hint)"))
            return nil
        }
        let errorsBefore = validator.diagnostics.count
        validator.fieldLocations = [:]
        let value = validator.validate(document.node, against: SchemaRegistry.schema(for: kind), path: "")
        guard validator.diagnostics.count == errorsBefore, let name = value["metadata"]?["name"]?.stringValue else {
            return nil
        }
        return Resource(
            kind: kind, name: name, site: site, location: location,
            labels: value["metadata"]?["labels"]?.stringMap ?? [:],
            annotations: value["metadata"]?["annotations"]?.stringMap ?? [:],
            spec: value["spec"] ?? .object([:]),
            fieldLocations: validator.fieldLocations)
    }
}

