import Foundation
import Yams

/// A Kubernetes `v1` Secret holding a link's TLS credentials (`ca.crt`, `tls.crt`, `tls.key`), as
/// `skupper link generate` prints beside its Link. Skiff reads a Secret only as the credentials a
/// Link's `spec.tlsCredentials` names; it is never a resource of the desired state (nothing of it
/// is planned as fields, shown or recorded).
public struct CredentialSecret: Sendable, Hashable {
    public static let files = ["ca.crt", "tls.crt", "tls.key"]

    public var name: String
    public var site: String
    public var location: SourceLocation
    /// PEM text by file name, one entry for each of `files`.
    public var pem: [String: String]

    public init(name: String, site: String, location: SourceLocation, pem: [String: String]) {
        self.name = name
        self.site = site
        self.location = location
        self.pem = pem
    }

    /// Whether `document` is a Secret (`apiVersion: v1`, `kind: Secret`).
    static func isSecret(_ document: YAMLDocument) -> Bool {
        document.field("apiVersion")?.scalar?.string == "v1" && document.field("kind")?.scalar?.string == "Secret"
    }

    /// The credentials in a Secret document: `data` (base64, as Kubernetes stores it) or
    /// `stringData` (plain text); each missing or unreadable file is an error naming its field.
    static func decode(_ document: YAMLDocument, site: String) -> (CredentialSecret?, [Diagnostic]) {
        let location = document.location
        guard let name = document.node["metadata"]?["name"]?.scalar?.string, !name.isEmpty else {
            return (nil, [.error(at: location, path: "metadata.name", "required field is missing")])
        }
        var pem: [String: String] = [:]
        var diagnostics: [Diagnostic] = []
        for file in files {
            if let encoded = document.node["data"]?[file]?.scalar {
                guard let data = Data(base64Encoded: encoded.string, options: .ignoreUnknownCharacters),
                      let text = String(data: data, encoding: .utf8), text.contains("-----BEGIN ")
                else {
                    diagnostics.append(.error(at: at(encoded.mark, location), path: "data.\(file)", "not base64 of a PEM file"))
                    continue
                }
                pem[file] = text
            } else if let plain = document.node["stringData"]?[file]?.scalar {
                guard plain.string.contains("-----BEGIN ") else {
                    diagnostics.append(.error(at: at(plain.mark, location), path: "stringData.\(file)", "not a PEM file"))
                    continue
                }
                pem[file] = plain.string
            } else {
                diagnostics.append(.error(at: location, path: "data.\(file)", "required for link credentials (Secret/\(name) holds ca.crt, tls.crt and tls.key)"))
            }
        }
        guard diagnostics.isEmpty else { return (nil, diagnostics) }
        return (CredentialSecret(name: name, site: site, location: location, pem: pem), [])
    }

    private static func at(_ mark: Mark?, _ fallback: SourceLocation) -> SourceLocation {
        guard let mark else { return fallback }
        return SourceLocation(file: fallback.file, line: mark.line, column: mark.column)
    }
}
