import Foundation
import SkiffModel
import SkiffTestSupport
import Testing

@Suite("Secrets as link credentials (skupper link generate's v1 Secret)")
struct CredentialSecretTests {
    static let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    static let link = Fixtures.link("to-west") + "  tlsCredentials: to-west\n"

    static func secret(_ name: String = "to-west", data: [String: String]? = nil, stringData: [String: String]? = nil) -> String {
        var text = "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata:\n  name: \(name)\n"
        if let data { text += "data:\n" + data.keys.sorted().map { "  \($0): \(data[$0]!)" }.joined(separator: "\n") + "\n" }
        if let stringData { text += "stringData:\n" + stringData.keys.sorted().map { "  \($0): |\n    " + stringData[$0]!.replacingOccurrences(of: "\n", with: "\n    ") }.joined(separator: "\n") + "\n" }
        return text
    }

    static var encoded: [String: String] {
        Dictionary(uniqueKeysWithValues: ["ca.crt", "tls.crt", "tls.key"].map { ($0, Data(pem.utf8).base64EncodedString()) })
    }

    @Test("a Secret a Link names is read from data (base64) or stringData, and warned about loudly at its file and line")
    func read() throws {
        for secret in [Self.secret(data: Self.encoded), Self.secret(stringData: Dictionary(uniqueKeysWithValues: Self.encoded.keys.map { ($0, Self.pem) }))] {
            let (network, diagnostics) = load([("east/site.yaml", Fixtures.file(Fixtures.site("east"), Self.link, secret))])
            let east = try #require(network.sites["east"])
            #expect(east.secrets.count == 1)
            #expect(east.secrets.first?.pem["tls.key"] == Self.pem)
            #expect(east.resources.count == 2, "a Secret is not a resource of the desired state")
            #expect(diagnostics.errors.isEmpty, "\(diagnostics)")
            let loud = try #require(diagnostics.warnings.first { $0.message.hasPrefix("KEY MATERIAL IN GIT") })
            #expect(loud.location.file == "east/site.yaml" && loud.location.line > 10, "\(loud)")
            #expect(loud.message.contains("skiff link apply FILE --site east"))
        }
    }

    @Test("a Secret missing a file, or with bad base64, is an error naming the field; one no Link names is skipped with a warning")
    func refused() throws {
        var partial = Self.encoded
        partial["tls.key"] = nil
        let (_, missing) = load([("east/site.yaml", Fixtures.file(Fixtures.site("east"), Self.link, Self.secret(data: partial)))])
        #expect(missing.errors.contains { $0.path == "data.tls.key" && $0.message.contains("required for link credentials") }, "\(missing)")
        var bad = Self.encoded
        bad["ca.crt"] = "!!!not-base64"
        let (_, garbled) = load([("east/site.yaml", Fixtures.file(Fixtures.site("east"), Self.link, Self.secret(data: bad)))])
        #expect(garbled.errors.contains { $0.path == "data.ca.crt" && $0.message == "not base64 of a PEM file" && $0.location.line > 0 }, "\(garbled)")
        let (_, unnamed) = load([("east/site.yaml", Fixtures.file(Fixtures.site("east"), Self.secret("spare", data: Self.encoded)))])
        #expect(unnamed.warnings.contains { $0.message.contains("Secret/spare is not named by any Link's spec.tlsCredentials; skipped") }, "\(unnamed)")
    }
}
