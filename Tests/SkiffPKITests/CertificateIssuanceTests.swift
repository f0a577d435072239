import Foundation
import SkiffPKI
import SkiffTestSupport
import Testing

@Suite("Site CA and certificates, checked by openssl")
struct CertificateIssuanceTests {
    @Test("the site CA is a P-256 CA for five years; its key is 0600 in a 0700 folder", arguments: [KeyAlgorithm.ecdsaP256, .rsa2048])
    func siteCA(algorithm: KeyAlgorithm) throws {
        let state = try TemporaryDirectory()
        let pki = SitePKI(stateDirectory: state.path)
        let ca = try pki.createCA(site: "west", algorithm: algorithm)
        let text = try OpenSSL.text(pki.caCertificatePath)
        #expect(text.contains("Subject: O = skiff, CN = west site CA"))
        #expect(text.contains("CA:TRUE"))
        #expect(text.contains("Certificate Sign, CRL Sign"))
        #expect(text.contains(algorithm == .ecdsaP256 ? "ASN1 OID: prime256v1" : "Public-Key: (2048 bit)"))
        let years = ca.certificate.notValidAfter.timeIntervalSince(Date()) / (365 * 86400)
        #expect(years > 4.99 && years < 5.01)
        #expect(try OpenSSL.verify(ca: pki.caCertificatePath, certificate: pki.caCertificatePath).status == 0)
        #expect(try permissions(pki.caKeyPath) == 0o600)
        #expect(try permissions(pki.caFolder) == 0o700)
        #expect(try permissions(pki.root) == 0o700)
        #expect(try OpenSSL.publicKey(ofKey: pki.caKeyPath) == OpenSSL.publicKey(ofCertificate: pki.caCertificatePath))
        #expect(throws: PKIError.self) { try pki.createCA(site: "west") }
    }

    @Test("the server certificate has DNS and IP SANs, serverAuth, and verifies against its CA only")
    func serverCertificate() throws {
        let state = try TemporaryDirectory()
        let pki = SitePKI(stateDirectory: state.path)
        _ = try pki.createCA(site: "west")
        try pki.issueServerCertificate(site: "west", hosts: ["west.example.com", "10.1.2.3", "::1", "west.example.com"])
        let certificate = pki.serverFolder + "/tls.crt"
        let verified = try OpenSSL.verify(ca: pki.caCertificatePath, certificate: certificate, purpose: "sslserver")
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        let text = try OpenSSL.text(certificate)
        #expect(text.contains("DNS:west.example.com, IP Address:10.1.2.3, IP Address:0:0:0:0:0:0:0:1"))
        #expect(text.contains("TLS Web Server Authentication"))
        #expect(!text.contains("TLS Web Client Authentication"))
        #expect(text.contains("CA:FALSE"))
        #expect(text.contains("Digital Signature, Key Encipherment"))
        #expect(text.contains("Issuer: O = skiff, CN = west site CA"))
        #expect(try OpenSSL.verify(ca: pki.caCertificatePath, certificate: certificate, purpose: "sslclient").status != 0)

        let other = try TemporaryDirectory()
        let otherPKI = SitePKI(stateDirectory: other.path)
        _ = try otherPKI.createCA(site: "east")
        let refused = try OpenSSL.verify(ca: otherPKI.caCertificatePath, certificate: certificate)
        #expect(refused.status != 0, "a certificate from another site's CA fails verification")
        #expect(pki.inspectServer().isHealthy)
        #expect(Set(pki.inspectServer().hosts) == ["west.example.com", "10.1.2.3", "::1"])
        #expect(pki.inspectServer().site == "west", "the server certificate names its site")
        #expect(try OpenSSL.text(pki.serverFolder + "/tls.crt").contains("URI:urn:skiff:site:west"))
    }

    @Test("a link client certificate has clientAuth, names the link, and names the dialling site as its identity")
    func clientCertificate() throws {
        let state = try TemporaryDirectory()
        let pki = SitePKI(stateDirectory: state.path)
        let ca = try pki.createCA(site: "west")
        let credential = try pki.issueClientCertificate(link: "east-to-west", site: "west", to: "east")
        let dialler = try TemporaryDirectory()
        let folder = dialler.path + "/pki/links/to-west"
        try PEMFiles.writeCredential(credential, ca: ca.certificate, to: folder)
        #expect(try OpenSSL.verify(ca: folder + "/ca.crt", certificate: folder + "/tls.crt", purpose: "sslclient").status == 0)
        let text = try OpenSSL.text(folder + "/tls.crt")
        #expect(text.contains("Subject: O = skiff, CN = link east-to-west to west"))
        #expect(text.contains("TLS Web Client Authentication"))
        #expect(text.contains("URI:urn:skiff:site:east"), "\(text)")
        #expect(!text.contains("DNS:") && !text.contains("IP Address:"), "a client certificate names no host")
        #expect(SiteIdentity.site(of: credential.certificate) == "east")
        #expect(SitePKI(stateDirectory: dialler.path).inspectLink("to-west").site == "east")
        #expect(try permissions(folder + "/tls.key") == 0o600)
        #expect(SitePKI(stateDirectory: dialler.path).inspectLink("to-west").isHealthy)
    }

    @Test("renewal falls in the last third of a certificate's life, at least 30 days, never in the first half")
    func renewalWindow() {
        let start = Date(timeIntervalSince1970: 0)
        let year = start.addingTimeInterval(365 * 86400)
        #expect(!RenewalPolicy.isDue(notBefore: start, notAfter: year, now: start.addingTimeInterval(200 * 86400)))
        #expect(RenewalPolicy.isDue(notBefore: start, notAfter: year, now: start.addingTimeInterval(250 * 86400)))
        let sixtyDays = start.addingTimeInterval(60 * 86400)
        #expect(!RenewalPolicy.isDue(notBefore: start, notAfter: sixtyDays, now: start.addingTimeInterval(29 * 86400)))
        #expect(RenewalPolicy.isDue(notBefore: start, notAfter: sixtyDays, now: start.addingTimeInterval(31 * 86400)))
        let hour = start.addingTimeInterval(3600)
        #expect(!RenewalPolicy.isDue(notBefore: start, notAfter: hour, now: start.addingTimeInterval(60)))
        #expect(RenewalPolicy.isDue(notBefore: start, notAfter: hour, now: start.addingTimeInterval(1900)))
    }

    func permissions(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1
    }
}
