import Foundation
import SkiffPKI
import SkiffTestSupport
import Testing

/// What a `Certificate` resource issues (`pki/certificates/NAME`), checked by openssl.
@Suite("Certificates a site issues for applications, checked by openssl")
struct CertificateResourceTests {
    func pki() throws -> (TemporaryDirectory, SitePKI) {
        let state = try TemporaryDirectory()
        let pki = SitePKI(stateDirectory: state.path)
        _ = try pki.createCA(site: "west")
        return (state, pki)
    }

    @Test("a server certificate from the site CA: the subject and hosts asked for, serverAuth only, ca.crt the site CA, the key 0600")
    func server() throws {
        let (state, pki) = try pki()
        defer { withExtendedLifetime(state) {} }
        try pki.issueCertificate("web", request: CertificateRequest(subject: "web.example", hosts: ["web.example", "127.0.0.1"], client: false,
                                                                     server: true, signing: false, issuer: nil))
        let folder = pki.certificateFolder("web")
        let verified = try OpenSSL.verify(ca: folder + "/ca.crt", certificate: folder + "/tls.crt", purpose: "sslserver")
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(try OpenSSL.verify(ca: pki.caCertificatePath, certificate: folder + "/tls.crt").status == 0, "ca.crt is the site CA")
        #expect(try OpenSSL.verify(ca: folder + "/ca.crt", certificate: folder + "/tls.crt", purpose: "sslclient").status != 0)
        let text = try OpenSSL.text(folder + "/tls.crt")
        #expect(text.contains("Subject: O = skiff, CN = web.example"))
        #expect(text.contains("DNS:web.example, IP Address:127.0.0.1"))
        #expect(text.contains("CA:FALSE") && !text.contains("urn:skiff:site"), "an application's certificate speaks for no site")
        #expect(try OpenSSL.publicKey(ofKey: folder + "/tls.key") == OpenSSL.publicKey(ofCertificate: folder + "/tls.crt"))
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "/tls.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let found = try #require(pki.inspectCertificates()["web"])
        #expect(found.report.isHealthy && found.issued?.request.hosts == ["web.example", "127.0.0.1"])
        #expect(found.issued?.issuerSerial == (try pki.loadCA().certificate.serialHex))
    }

    @Test("a signing Certificate is a self-signed CA; what names it as its ca chains to it, not to the site CA")
    func signing() throws {
        let (state, pki) = try pki()
        defer { withExtendedLifetime(state) {} }
        try pki.issueCertificate("apps-ca", request: CertificateRequest(subject: "apps CA", hosts: [], client: false, server: false, signing: true,
                                                                         issuer: "ignored for a CA"))
        try pki.issueCertificate("client", request: CertificateRequest(subject: "a client", hosts: [], client: true, server: false, signing: false,
                                                                        issuer: "apps-ca"))
        let ca = pki.certificateFolder("apps-ca") + "/tls.crt", client = pki.certificateFolder("client") + "/tls.crt"
        #expect(try OpenSSL.text(ca).contains("CA:TRUE"))
        #expect(try OpenSSL.verify(ca: ca, certificate: ca).status == 0, "self-signed")
        #expect(try OpenSSL.verify(ca: ca, certificate: client, purpose: "sslclient").status == 0)
        #expect(try OpenSSL.verify(ca: pki.caCertificatePath, certificate: client).status != 0)
        #expect(try String(contentsOfFile: pki.certificateFolder("client") + "/ca.crt", encoding: .utf8)
            == String(contentsOfFile: ca, encoding: .utf8), "ca.crt is the CA that signed it")
    }

    @Test("credentials placed by hand are read but never removed; an issuer that is not a CA is refused")
    func byHand() throws {
        let (state, pki) = try pki()
        defer { withExtendedLifetime(state) {} }
        try pki.issueCertificate("leaf", request: CertificateRequest(subject: "leaf", hosts: [], client: true, server: false, signing: false, issuer: nil))
        #expect(throws: PKIError.self) {
            try pki.issueCertificate("x", request: CertificateRequest(subject: "x", hosts: [], client: true, server: false, signing: false, issuer: "leaf"))
        }
        try FileManager.default.createDirectory(atPath: pki.certificateFolder("mine"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: pki.certificateFolder("leaf") + "/tls.crt", toPath: pki.certificateFolder("mine") + "/tls.crt")
        #expect(pki.inspectCertificates()["mine"]?.issued == nil)
        #expect(throws: PKIError.self) { try pki.removeCertificate("mine") }
        #expect(FileManager.default.fileExists(atPath: pki.certificateFolder("mine") + "/tls.crt"))
        try pki.removeCertificate("leaf")
        #expect(!FileManager.default.fileExists(atPath: pki.certificateFolder("leaf")))
    }
}
