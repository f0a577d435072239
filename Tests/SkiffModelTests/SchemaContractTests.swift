import Foundation
@testable import SkiffModel
import SkiffTestSupport
import Testing

/// The files in `Schemas/` are the contract. These tests prove the binary carries them byte for byte
/// and that its validator reaches the same verdict as an independent JSON Schema implementation.
@Suite("Schemas are the contract")
struct SchemaContractTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test("the embedded schemas equal Schemas/*.schema.json (run `make schemas` after editing)", arguments: ResourceKind.allCases)
    func embeddedMatchesFiles(kind: ResourceKind) throws {
        let onDisk = try String(contentsOfFile: "\(Self.repositoryRoot)/Schemas/\(kind.schemaFileName)", encoding: .utf8)
        #expect(SchemaRegistry.text(for: kind) == onDisk)
        let schema = SchemaRegistry.schema(for: kind)
        #expect(schema.constValue == nil && schema.property("kind")?.constValue == .string(kind.rawValue))
    }

    @Test("a schema keyword outside the implemented subset is refused, not ignored")
    func unsupportedKeyword() {
        #expect(throws: JSONSchema.ParseError.self) { try JSONSchema.parse(json: #"{"type": "object", "anyOf": []}"#) }
        #expect(throws: JSONSchema.ParseError.self) { try JSONSchema.parse(json: ##"{"$ref": "#/$defs/missing"}"##) }
    }

    @Test("Swift and Python's jsonschema agree on hundreds of valid and invalid documents")
    func agreesWithIndependentValidator() throws {
        let cases = ContractCorpus.cases()
        #expect(cases.count > 300)
        #expect(cases.contains { $0.swiftValid } && cases.contains { !$0.swiftValid })
        let input = try JSONSerialization.data(withJSONObject: cases.map { ["schema": $0.schema, "yaml": $0.yaml] })
        let result = try Command.check("python3", ["\(Self.repositoryRoot)/Tests/Tools/jsonschema_verdicts.py", "\(Self.repositoryRoot)/Schemas"],
                                       input: String(decoding: input, as: UTF8.self))
        let verdicts = try JSONDecoder().decode([Bool].self, from: Data(result.stdout.utf8))
        try #require(verdicts.count == cases.count)
        for (testCase, pythonValid) in zip(cases, verdicts) where testCase.swiftValid != pythonValid {
            Issue.record("\(testCase.schema): Swift says \(testCase.swiftValid), jsonschema says \(pythonValid) for \(testCase.yaml) (\(testCase.swiftErrors))")
        }
    }
}

/// Valid documents of every kind and systematic mutations of them: each field removed, retyped,
/// pushed out of range; unknown fields added at every level.
enum ContractCorpus {
    struct Case {
        var schema: String
        var yaml: String
        var swiftValid: Bool
        var swiftErrors: [String]
    }

    static let samples: [ResourceKind: JSONValue] = [
        .site: ["apiVersion": "skupper.io/v2alpha1", "kind": "Site", "metadata": ["name": "west", "labels": ["a": "b"]],
                "spec": ["linkAccess": "default", "edge": false, "settings": ["grant-server": "127.0.0.1:8443"]]],
        .link: ["apiVersion": "skupper.io/v2alpha1", "kind": "Link", "metadata": ["name": "to-west"],
                "spec": ["endpoints": [["name": "inter-router", "host": "west.example.com", "port": "55671"]], "cost": 2, "tlsCredentials": "to-west"]],
        .listener: ["apiVersion": "skupper.io/v2alpha1", "kind": "Listener", "metadata": ["name": "backend"],
                    "spec": ["routingKey": "backend", "host": "0.0.0.0", "port": 8080, "type": "tcp"]],
        .multiKeyListener: ["apiVersion": "skupper.io/v2alpha1", "kind": "MultiKeyListener", "metadata": ["name": "backend"],
                            "spec": ["host": "0.0.0.0", "port": 8080, "strategy": ["weighted": ["routingKeys": ["light": 1, "heavy": 3]]]]],
        .connector: ["apiVersion": "skupper.io/v2alpha1", "kind": "Connector", "metadata": ["name": "backend"],
                     "spec": ["routingKey": "backend", "host": "127.0.0.1", "port": 9090, "useClientCert": false]],
        .accessGrant: ["apiVersion": "skupper.io/v2alpha1", "kind": "AccessGrant", "metadata": ["name": "g"],
                       "spec": ["redemptionsAllowed": 3, "expirationWindow": "1h30m", "code": "s3cret"]],
        .accessToken: ["apiVersion": "skupper.io/v2alpha1", "kind": "AccessToken", "metadata": ["name": "t"],
                       "spec": ["url": "https://10.0.0.1:8443/abc", "code": "s3cret", "ca": "-----BEGIN CERTIFICATE-----", "linkCost": 4]],
        .certificate: ["apiVersion": "skupper.io/v2alpha1", "kind": "Certificate", "metadata": ["name": "web-tls"],
                       "spec": ["ca": "skupper-site-ca", "subject": "web", "hosts": ["web.example", "10.0.0.1"], "server": true, "client": false]],
        .routerAccess: ["apiVersion": "skupper.io/v2alpha1", "kind": "RouterAccess", "metadata": ["name": "skupper-router"],
                        "spec": ["roles": [["name": "inter-router", "port": 55671], ["name": "edge"]], "bindHost": "0.0.0.0",
                                 "subjectAlternativeNames": ["west.example.com"]]],
    ]

    static let replacements: [JSONValue] = ["x", "", 0, -1, 1, 70000, 2.5, true, .null, [], ["k": "v"], "80a", "15m", "https://h"]

    static func cases() -> [Case] {
        var cases: [Case] = []
        for kind in ResourceKind.allCases {
            let sample = samples[kind]!
            var documents: [JSONValue] = [sample]
            for path in paths(in: sample) {
                documents.append(removing(path, from: sample))
                documents += replacements.map { setting(path, to: $0, in: sample) }
                documents.append(setting(path + ["unknownField"], to: "x", in: sample))
            }
            for document in documents {
                cases.append(evaluate(document, kind: kind))
            }
        }
        return cases
    }

    static func evaluate(_ document: JSONValue, kind: ResourceKind) -> Case {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let yaml = String(decoding: try! encoder.encode(document), as: UTF8.self)
        let (documents, yamlErrors) = YAMLDocumentLoader.load(Array(yaml.utf8), file: "c.yaml")
        var validator = SchemaValidator(file: "c.yaml", nodeBudget: 10_000)
        if let node = documents.first?.node {
            _ = validator.validate(node, against: SchemaRegistry.schema(for: kind), path: "")
        }
        // Warnings (a field with no effect here) do not make a document invalid.
        let errors = (yamlErrors + validator.diagnostics).errors.map(\.description)
        return Case(schema: kind.schemaFileName, yaml: yaml, swiftValid: errors.isEmpty, swiftErrors: errors)
    }

    /// Every path to a member of an object (not into arrays' items, except the first).
    static func paths(in value: JSONValue, prefix: [String] = []) -> [[String]] {
        switch value {
        case .object(let members):
            return members.keys.sorted().flatMap { key in [prefix + [key]] + paths(in: members[key]!, prefix: prefix + [key]) }
        case .array(let items):
            guard let first = items.first else { return [] }
            return paths(in: first, prefix: prefix + ["0"])
        default:
            return []
        }
    }

    static func setting(_ path: [String], to newValue: JSONValue?, in value: JSONValue) -> JSONValue {
        guard let head = path.first else { return newValue ?? value }
        switch value {
        case .object(var members):
            if path.count == 1 {
                members[head] = newValue
            } else if let child = members[head] {
                members[head] = setting(Array(path.dropFirst()), to: newValue, in: child)
            }
            return .object(members)
        case .array(var items):
            guard let index = Int(head), items.indices.contains(index) else { return value }
            if path.count == 1 {
                if let newValue { items[index] = newValue } else { items.remove(at: index) }
            } else {
                items[index] = setting(Array(path.dropFirst()), to: newValue, in: items[index])
            }
            return .array(items)
        default:
            return value
        }
    }

    static func removing(_ path: [String], from value: JSONValue) -> JSONValue {
        setting(path, to: nil, in: value)
    }
}
