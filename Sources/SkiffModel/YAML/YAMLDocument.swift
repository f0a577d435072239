import Yams

/// One document of a YAML file, composed but not yet interpreted.
public struct YAMLDocument {
    /// The file, relative to the network root (`west/site.yaml`).
    public var file: String
    /// 0-based position of the document in its file.
    public var index: Int
    public var node: Node

    /// The top-level field `key` of a mapping document, found by its text (Yams's own subscript
    /// builds a key node and compares whole nodes, tags included, for every field).
    public func field(_ key: String) -> Node? {
        guard case .mapping(let mapping) = node else { return nil }
        return mapping.first { $0.key.scalar?.string == key }?.value
    }

    public var location: SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }
}

/// Splits a file into documents, within `YAMLLimits`.
public enum YAMLDocumentLoader {
    /// Every document the file holds; a syntax error ends the file and is reported with its position.
    /// Empty documents (a lone `---`, comments only) are skipped.
    public static func load(_ bytes: [UInt8], file: String, limits: YAMLLimits = .defaults)
        -> (documents: [YAMLDocument], diagnostics: [Diagnostic])
    {
        let fileLocation = SourceLocation(file: file)
        guard bytes.count <= limits.maxFileBytes else {
            return ([], [.error(at: fileLocation, "file is \(bytes.count) bytes; the limit is \(limits.maxFileBytes)")])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return ([], [.error(at: fileLocation, "not valid UTF-8 text")])
        }
        if let finding = YAMLPrescan.check(bytes, limits: limits) {
            let location = SourceLocation(file: file, line: finding.line, column: finding.column)
            return ([], [.error(at: location, finding.message)])
        }
        let (documents, error) = compose(text, file: file)
        return (documents, error.map { [$0] } ?? [])
    }

    /// The documents of text that passed the limits' checks, up to a syntax error (then the error too).
    static func compose(_ bytes: [UInt8], file: String) -> (documents: [YAMLDocument], error: Diagnostic?)? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        return compose(text, file: file)
    }

    private static func compose(_ text: String, file: String) -> (documents: [YAMLDocument], error: Diagnostic?) {
        var documents: [YAMLDocument] = []
        do {
            // `Resolver.basic` keeps Yams from typing scalars with regular expressions while it
            // composes (it hashes every mapping key to find duplicates); `ScalarTyping` types them later.
            // The encoding is given: Yams's default reads the whole process environment on every call.
            var iterator = try Yams.compose_all(yaml: text, Resolver.basic, .default, .utf8).makeIterator()
            var index = 0
            while let node = iterator.next() {
                defer { index += 1 }
                if case .scalar = node, ScalarTyping.value(of: node) == .null { continue }
                documents.append(YAMLDocument(file: file, index: index, node: node))
            }
            if let error = iterator.error { throw error }
        } catch {
            return (documents, diagnostic(for: error, file: file))
        }
        return (documents, nil)
    }

    /// A Yams error as one line with its position (Yams's own text spans several lines with a snippet).
    static func diagnostic(for error: Error, file: String) -> Diagnostic {
        guard let yamlError = error as? YamlError else {
            return .error(at: SourceLocation(file: file), "cannot read YAML: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) (\($0.text))" } ?? problem
            return .error(at: SourceLocation(file: file, line: mark.line, column: mark.column), "invalid YAML: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return .error(at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                          "invalid YAML: duplicate key \(keys) in one mapping")
        case .reader(let problem, _, _, _):
            return .error(at: SourceLocation(file: file), "cannot read YAML: \(problem)")
        default:
            return .error(at: SourceLocation(file: file), "cannot read YAML: \(yamlError)")
        }
    }
}
