import Foundation
import SkiffPKI
import SkiffTestSupport
import Testing

@Suite("Credential folders: every fault named by its file")
struct CredentialInspectionTests {
    /// A healthy link credential folder, issued by a fresh CA.
    static func credentials(validity: TimeInterval = 86400, now: Date = Date()) throws -> (TemporaryDirectory, String) {
        let grantor = try TemporaryDirectory()
        let pki = SitePKI(stateDirectory: grantor.path)
        let ca = try pki.createCA(site: "west")
        let credential = try pki.issueClientCertificate(link: "l", site: "west", to: "east", validity: validity, now: now)
        let folder = grantor.path + "/creds"
        try PEMFiles.writeCredential(credential, ca: ca.certificate, to: folder)
        return (grantor, folder)
    }

    @Test("a healthy folder has no problems")
    func healthy() throws {
        let (keep, folder) = try Self.credentials()
        let report = CredentialInspector.inspect(folder: folder)
        #expect(report.problems.isEmpty && !report.isMissing)
        _ = keep
    }

    @Test("a missing key")
    func missingKey() throws {
        let (keep, folder) = try Self.credentials()
        try FileManager.default.removeItem(atPath: folder + "/tls.key")
        #expect(CredentialInspector.inspect(folder: folder).problems.map(\.description) == ["\(folder)/tls.key: missing"])
        _ = keep
    }

    @Test("a key that does not match the certificate")
    func mismatchedKey() throws {
        let (keep, folder) = try Self.credentials()
        let (keep2, other) = try Self.credentials()
        try FileManager.default.removeItem(atPath: folder + "/tls.key")
        try FileManager.default.copyItem(atPath: other + "/tls.key", toPath: folder + "/tls.key")
        #expect(CredentialInspector.inspect(folder: folder).problems.map(\.description)
            == ["\(folder)/tls.key: does not match the certificate in \(folder)/tls.crt"])
        _ = (keep, keep2)
    }

    @Test("an expired certificate")
    func expired() throws {
        let (keep, folder) = try Self.credentials(validity: 3600, now: Date().addingTimeInterval(-7200))
        let problems = CredentialInspector.inspect(folder: folder).problems.map(\.description)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("\(folder)/tls.crt: expired on ") == true)
        _ = keep
    }

    @Test("garbage PEM in each file", arguments: ["tls.crt", "tls.key", "ca.crt"])
    func garbage(file: String) throws {
        let (keep, folder) = try Self.credentials()
        try "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n".write(toFile: folder + "/" + file, atomically: true, encoding: .utf8)
        let problems = CredentialInspector.inspect(folder: folder).problems.map(\.description)
        #expect(problems.contains { $0.hasPrefix("\(folder)/\(file): not a PEM") }, "\(problems)")
        _ = keep
    }

    @Test("a certificate from another CA than the one beside it")
    func wrongCA() throws {
        let (keep, folder) = try Self.credentials()
        let (keep2, other) = try Self.credentials()
        try FileManager.default.removeItem(atPath: folder + "/ca.crt")
        try FileManager.default.copyItem(atPath: other + "/ca.crt", toPath: folder + "/ca.crt")
        #expect(CredentialInspector.inspect(folder: folder).problems.map(\.description)
            == ["\(folder)/tls.crt: not issued by the CA in \(folder)/ca.crt"])
        _ = (keep, keep2)
    }

    @Test("an empty folder is missing, not broken")
    func missing() throws {
        let folder = try TemporaryDirectory()
        #expect(CredentialInspector.inspect(folder: folder.path + "/none").isMissing)
    }
}
