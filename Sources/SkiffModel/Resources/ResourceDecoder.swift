import Yams

/// Turns one YAML document into a `Resource`: picks the schema by `kind`, validates the whole
/// document against it and keeps the parts that make up the desired state.
enum ResourceDecoder {
    /// What a document turned out to be.
    enum Decoded {
        case resource(Resource)
        /// A Skupper document with errors (all appended to the validator); `kind` when it named one.
        case invalid(ResourceKind?)
        /// Not a Skupper resource (a Deployment beside the network's files), or a Kubernetes-only
        /// Skupper kind: skipped with a warning, as Skupper's system-mode loader skips them.
        case skipped
        /// A `v1` Secret: a link's credentials (only when a Link names it; see `NetworkChecks`).
        case secret(CredentialSecret)

        var resource: Resource? {
            if case .resource(let resource) = self { return resource }
            return nil
        }
    }

    /// Skupper kinds that mean something only inside Kubernetes, and what to use instead.
    static let kubernetesOnlyKinds: [String: String] = [
        "AttachedConnector": "it binds pods in another namespace; outside Kubernetes use a Connector with spec.host",
        "AttachedConnectorBinding": "it exposes an AttachedConnector from another namespace; outside Kubernetes use a Connector with spec.host",
        "SecuredAccess": "it exposes pods through a Kubernetes Service, Route or Ingress; outside Kubernetes a RouterAccess says where links arrive",
    ]

    static func decode(_ document: YAMLDocument, site: String, validator: inout SchemaValidator) -> Decoded {
        let location = document.location
        guard case .mapping = document.node else {
            validator.appendDiagnostic(.error(at: location, "expected a resource (a mapping with apiVersion, kind, metadata and spec)"))
            return .invalid(nil)
        }
        let kindNode = document.field("kind")
        let kindName = kindNode?.scalar?.string
        if CredentialSecret.isSecret(document) {
            let (secret, diagnostics) = CredentialSecret.decode(document, site: site)
            diagnostics.forEach { validator.appendDiagnostic($0) }
            return secret.map(Decoded.secret) ?? .skipped
        }
        if let apiVersion = document.field("apiVersion"), let api = apiVersion.scalar?.string, !api.hasPrefix("skupper.io/") {
            let what = kindName.map { "a \($0) (\(api))" } ?? "apiVersion \(api)"
            validator.appendDiagnostic(.warning(at: at(apiVersion, document), path: "apiVersion",
                                                "\(what) is not a Skupper resource; skipped (Skiff reads only skupper.io kinds)"))
            return .skipped
        }
        guard let kindNode, let kindName else {
            validator.appendDiagnostic(.error(at: location, path: "kind", "required field is missing"))
            return .invalid(nil)
        }
        if let instead = kubernetesOnlyKinds[kindName] {
            validator.appendDiagnostic(.warning(at: at(kindNode, document), path: "kind",
                                                "\(kindName) has no meaning outside Kubernetes (\(instead)); skipped"))
            return .skipped
        }
        guard let kind = ResourceKind(rawValue: kindName) else {
            let names = ResourceKind.allCases.map(\.rawValue)
            let hint = Suggestion.closest(to: kindName, in: names).map { "did you mean \($0)?" }
                ?? "expected one of: " + names.joined(separator: ", ")
            validator.appendDiagnostic(.error(at: at(kindNode, document), path: "kind", "unknown kind \"\(kindName)\"; \(hint)"))
            return .invalid(nil)
        }
        let errorsBefore = validator.diagnostics.errors.count
        validator.fieldLocations = [:]
        let value = validator.validate(Self.nullSpecAsEmpty(document.node), against: SchemaRegistry.schema(for: kind), path: "")
        guard validator.diagnostics.errors.count == errorsBefore, let name = value["metadata"]?["name"]?.stringValue else {
            return .invalid(kind)
        }
        return .resource(Resource(
            kind: kind, name: name, site: site, location: location,
            labels: value["metadata"]?["labels"]?.stringMap ?? [:],
            annotations: value["metadata"]?["annotations"]?.stringMap ?? [:],
            spec: value["spec"] ?? .object([:]),
            fieldLocations: validator.fieldLocations))
    }

    /// `spec:` with nothing after it is an empty spec, as Kubernetes and Skupper read it.
    static func nullSpecAsEmpty(_ node: Node) -> Node {
        guard case .mapping(var mapping) = node, let spec = mapping["spec"], case .scalar(let scalar) = spec,
              ["", "~", "null", "Null", "NULL"].contains(scalar.string), scalar.style == .plain
        else { return node }
        mapping["spec"] = .mapping(Node.Mapping([], .implicit, .block, spec.mark))
        return .mapping(mapping)
    }

    private static func at(_ node: Node, _ document: YAMLDocument) -> SourceLocation {
        SourceLocation(file: document.file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
    }
}
