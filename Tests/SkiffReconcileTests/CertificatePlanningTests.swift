import Foundation
import SkiffModel
import SkiffPKI
@testable import SkiffPlan
import SkiffReconcile
import SkiffSource
import SkiffSupport
import SkiffTestSupport
import Testing

/// Certificates planned against real files in a state directory, applied by the executor.
@Suite("Certificates: planned, applied, renewed and repaired")
struct CertificatePlanningTests {
    /// A folder network with one site `west` that offers link access on the given names.
    static func network(hosts: [String] = ["127.0.0.1", "west.example.com"], settings: String = "") throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        let site = "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\nspec:\n  linkAccess: default\n" + settings
        let access = """
            apiVersion: skupper.io/v2alpha1
            kind: RouterAccess
            metadata:
              name: skupper-router
            spec:
              roles: [{name: inter-router, port: 55671}]
              subjectAlternativeNames: [\(hosts.joined(separator: ", "))]
            """
        try folder.write("west/site.yaml", Fixtures.file(site, access))
        return folder
    }

    static func plan(_ network: TemporaryDirectory, state: TemporaryDirectory, now: Date = Date()) throws -> SitePlanReport {
        try SitePlanning.plan(site: "west", source: SourceRequest(repository: network.path), stateDirectory: StateDirectory(path: state.path),
                              hostname: "west-host", now: now, router: false)
    }

    static func describe(_ report: SitePlanReport) -> [String] {
        (report.plan?.actions ?? []).filter { if case .certificate = $0.target { true } else { false } }
            .map { "\($0.verb.rawValue) \($0.target) (\($0.reason))" }
    }

    @Test("from nothing: the CA, then the server certificate with the RouterAccess names and the hostname; then nothing")
    func fromNothing() throws {
        let network = try Self.network(), state = try TemporaryDirectory()
        let first = try Self.plan(network, state: state)
        #expect(Self.describe(first) == ["create Certificate/site-ca (missing)", "create Certificate/router-server (missing)"])
        _ = try Executor.apply(first)
        let pki = SitePKI(stateDirectory: state.path)
        #expect(try OpenSSL.verify(ca: pki.caCertificatePath, certificate: pki.serverFolder + "/tls.crt").status == 0)
        #expect(Set(pki.inspectServer().hosts) == ["127.0.0.1", "west.example.com", "west-host"])
        let second = try Self.plan(network, state: state)
        #expect(second.plan?.hasChanges == false, "\(Self.describe(second))")
    }

    @Test("when a retired CA's overlap ends, the trust bundle is rewritten without it and the router's TLS revision changes")
    func overlapEnds() throws {
        let network = try Self.network(), state = try TemporaryDirectory()
        let now = Date()
        _ = try Executor.apply(try Self.plan(network, state: state, now: now), now: now)
        let pki = SitePKI(stateDirectory: state.path)
        let oldCA = pki.caCertificatePath + ".old"
        try FileManager.default.copyItem(atPath: pki.caCertificatePath, toPath: oldCA)
        let rotation = try pki.rotateCA(site: "west", overlap: 3600, now: now)
        let revision = { (at: Date) in
            SitePlanning.tlsRevision(certificates: SitePlanning.certificates(StateDirectory(path: state.path), now: at), trust: pki.inspectTrust(now: at))
        }
        let during = revision(now)
        #expect(during.hasSuffix("/" + (rotation.previousSerial ?? "?")), "the retired CA is part of the revision: \(during)")
        #expect(try Self.plan(network, state: state, now: now.addingTimeInterval(1800)).plan?.hasChanges == false, "inside the overlap")

        let after = now.addingTimeInterval(7200)
        let due = try Self.plan(network, state: state, now: after)
        #expect(Self.describe(due) == ["update Certificate/trust-bundle (changed: the overlap of retired CA \(rotation.previousSerial ?? "?") ended; its links are refused from now on)"])
        _ = try Executor.apply(due, now: after)
        #expect(pki.inspectTrust(now: after)?.isCurrent == true)
        #expect(revision(after) != during)
        #expect(try Self.plan(network, state: state, now: after).plan?.hasChanges == false)
        // openssl agrees: the bundle no longer holds the old CA.
        let bundle = try String(contentsOfFile: pki.trustBundlePath, encoding: .utf8)
        #expect(!bundle.contains(try String(contentsOfFile: oldCA, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test("a deleted trust bundle is drift, written again by the next apply")
    func trustBundleDeleted() throws {
        let network = try Self.network(), state = try TemporaryDirectory()
        _ = try Executor.apply(try Self.plan(network, state: state))
        let pki = SitePKI(stateDirectory: state.path)
        try FileManager.default.removeItem(atPath: pki.trustBundlePath)
        let plan = try Self.plan(network, state: state)
        #expect(Self.describe(plan) == ["update Certificate/trust-bundle (drift: \(pki.trustBundlePath) is missing or unreadable)"])
        _ = try Executor.apply(plan)
        #expect(try OpenSSL.verify(ca: pki.trustBundlePath, certificate: pki.serverFolder + "/tls.crt").status == 0)
    }

    @Test("a short-lived server certificate is renewed in its window; the CA is untouched")
    func renewal() throws {
        let network = try Self.network(settings: "  settings:\n    server-certificate-validity: 1h\n")
        let state = try TemporaryDirectory()
        _ = try Executor.apply(try Self.plan(network, state: state))
        let pki = SitePKI(stateDirectory: state.path)
        let caSerial = pki.inspectCA().serial
        let serverSerial = pki.inspectServer().serial
        #expect(try Self.plan(network, state: state, now: Date().addingTimeInterval(600)).plan?.hasChanges == false)
        let later = Date().addingTimeInterval(45 * 60)
        let due = try Self.plan(network, state: state, now: later)
        #expect(Self.describe(due).count == 1)
        #expect(Self.describe(due).first?.hasPrefix("update Certificate/router-server (expires in ") == true, "\(Self.describe(due))")
        _ = try Executor.apply(due, now: later)
        #expect(pki.inspectServer().serial != serverSerial)
        #expect(pki.inspectCA().serial == caSerial)
        #expect(try Self.plan(network, state: state, now: later).plan?.hasChanges == false)
    }

    @Test("changed names in git reissue the server certificate; removing link access removes it")
    func namesAndRemoval() throws {
        let state = try TemporaryDirectory()
        _ = try Executor.apply(try Self.plan(try Self.network(), state: state))
        let renamed = try Self.plan(try Self.network(hosts: ["10.0.0.7"]), state: state)
        #expect(Self.describe(renamed) == ["update Certificate/router-server (changed: hosts 127.0.0.1,west-host,west.example.com → 10.0.0.7,west-host)"])
        _ = try Executor.apply(renamed)
        #expect(Set(SitePKI(stateDirectory: state.path).inspectServer().hosts) == ["10.0.0.7", "west-host"])

        let closed = try TemporaryDirectory()
        try closed.write("west/site.yaml", Fixtures.site("west"))
        let report = try SitePlanning.plan(site: "west", source: SourceRequest(repository: closed.path),
                                           stateDirectory: StateDirectory(path: state.path), hostname: "west-host", now: Date(), router: false)
        #expect(Self.describe(report) == ["delete Certificate/router-server (pruned: no link access in git)"])
        _ = try Executor.apply(report)
        #expect(!FileManager.default.fileExists(atPath: SitePKI(stateDirectory: state.path).serverFolder))
    }

    @Test("drift: a deleted, truncated or foreign certificate or key is repaired", arguments: ["delete key", "truncate certificate", "foreign certificate", "foreign key"])
    func drift(damage: String) throws {
        let network = try Self.network(), state = try TemporaryDirectory()
        _ = try Executor.apply(try Self.plan(network, state: state))
        let pki = SitePKI(stateDirectory: state.path)
        let other = try TemporaryDirectory()
        let otherPKI = SitePKI(stateDirectory: other.path)
        _ = try otherPKI.createCA(site: "east")
        try otherPKI.issueServerCertificate(site: "east", hosts: ["east"])
        let certificate = pki.serverFolder + "/tls.crt", key = pki.serverFolder + "/tls.key"
        switch damage {
        case "delete key": try FileManager.default.removeItem(atPath: key)
        case "truncate certificate": try Data().write(to: URL(fileURLWithPath: certificate))
        case "foreign certificate":
            try FileManager.default.removeItem(atPath: certificate)
            try FileManager.default.copyItem(atPath: otherPKI.serverFolder + "/tls.crt", toPath: certificate)
        default:
            try FileManager.default.removeItem(atPath: key)
            try FileManager.default.copyItem(atPath: otherPKI.serverFolder + "/tls.key", toPath: key)
        }
        let report = try Self.plan(network, state: state)
        #expect(Self.describe(report).count == 1)
        #expect(Self.describe(report).first?.hasPrefix("update Certificate/router-server (drift: ") == true, "\(Self.describe(report))")
        _ = try Executor.apply(report)
        #expect(pki.inspectServer().isHealthy)
        #expect(try OpenSSL.verify(ca: pki.caCertificatePath, certificate: certificate).status == 0)
        #expect(try Self.plan(network, state: state).plan?.hasChanges == false)
    }

    @Test("a damaged CA is an error that blocks apply and is never replaced")
    func damagedCA() throws {
        let network = try Self.network(), state = try TemporaryDirectory()
        _ = try Executor.apply(try Self.plan(network, state: state))
        let pki = SitePKI(stateDirectory: state.path)
        try "junk\n".write(toFile: pki.caKeyPath, atomically: true, encoding: .utf8)
        let report = try Self.plan(network, state: state)
        #expect(!report.canApply)
        #expect(report.diagnostics.errors.map(\.description).contains { $0.hasPrefix("\(pki.caKeyPath): site CA is damaged: not a PEM private key") })
        #expect(throws: Executor.Failure.self) { try Executor.apply(report) }
        #expect(try String(contentsOfFile: pki.caKeyPath, encoding: .utf8) == "junk\n")
    }

    @Test("bad PKI settings are errors at the Site, with line and column")
    func badSettings() throws {
        let network = try Self.network(settings: "  settings:\n    ca-key-algorithm: dsa\n    server-certificate-validity: soon\n")
        let report = try Self.plan(network, state: try TemporaryDirectory())
        #expect(report.plan == nil)
        #expect(report.diagnostics.errors.map(\.description) == [
            #"west/site.yaml:8:23: spec.settings.ca-key-algorithm: expected one of: ecdsa-p256, rsa-2048, rsa-3072, got "dsa""#,
            #"west/site.yaml:9:34: spec.settings.server-certificate-validity: expected a duration of at least 1m such as 8760h, got "soon""#,
        ])
    }

    @Test("an RSA CA when the site asks for one")
    func rsa() throws {
        let state = try TemporaryDirectory()
        _ = try Executor.apply(try Self.plan(try Self.network(settings: "  settings:\n    ca-key-algorithm: rsa-2048\n"), state: state))
        let text = try Command.check("openssl", ["x509", "-noout", "-text", "-in", SitePKI(stateDirectory: state.path).caCertificatePath]).stdout
        #expect(text.contains("Public-Key: (2048 bit)"))
    }
}


@Suite("Link credentials supplied by hand or by a redemption")
struct LinkCredentialTests {
    static func eastNetwork() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        try folder.write("east/site.yaml", Fixtures.file(Fixtures.site("east"), Fixtures.link("to-west")))
        return folder
    }

    static func problems(_ network: TemporaryDirectory, _ state: TemporaryDirectory) throws -> [String] {
        let report = try SitePlanning.plan(site: "east", source: SourceRequest(repository: network.path),
                                           stateDirectory: StateDirectory(path: state.path), hostname: "east-host", now: Date(), router: false)
        return report.diagnostics.filter { $0.description.contains("to-west") }.map(\.description)
    }

    @Test("no credentials yet is a warning that says what to do")
    func absent() throws {
        let problems = try Self.problems(try Self.eastNetwork(), try TemporaryDirectory())
        #expect(problems.count == 1)
        #expect(problems.first?.contains("warning: spec.tlsCredentials: Link/to-west has no credentials in") == true)
    }

    @Test("a bad credentials folder is a warning per fault, naming the file: it keeps that link down, not the site", arguments: ["missing key", "mismatched key", "expired", "garbage"])
    func damaged(fault: String) throws {
        let network = try Self.eastNetwork(), state = try TemporaryDirectory(), grantor = try TemporaryDirectory()
        let pki = SitePKI(stateDirectory: grantor.path)
        let ca = try pki.createCA(site: "west")
        let folder = SitePKI(stateDirectory: state.path).linkFolder("to-west")
        let expired = fault == "expired"
        let credential = try pki.issueClientCertificate(link: "to-west", site: "west", to: "east", validity: expired ? 60 : 86400,
                                                        now: expired ? Date().addingTimeInterval(-3600) : Date())
        try PEMFiles.writeCredential(credential, ca: ca.certificate, to: folder)
        switch fault {
        case "missing key": try FileManager.default.removeItem(atPath: folder + "/tls.key")
        case "mismatched key": try PEMFiles.write(try pki.issueClientCertificate(link: "x", site: "west", to: "east").keyPEM, to: folder + "/tls.key", permissions: 0o600)
        case "garbage": try "garbage\n".write(toFile: folder + "/tls.crt", atomically: true, encoding: .utf8)
        default: break
        }
        let problems = try Self.problems(network, state)
        let expected = [
            "missing key": "\(folder)/tls.key: warning: credentials of Link/to-west: missing",
            "mismatched key": "\(folder)/tls.key: warning: credentials of Link/to-west: does not match the certificate in \(folder)/tls.crt",
            "expired": "\(folder)/tls.crt: warning: credentials of Link/to-west: expired on ",
            "garbage": "\(folder)/tls.crt: warning: credentials of Link/to-west: not a PEM certificate",
        ][fault]!
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.hasPrefix(expected) == true, "\(problems)")
        #expect(problems.first?.hasSuffix("; the link stays down until they are replaced (redeem a fresh token)") == true, "\(problems)")
    }
}
