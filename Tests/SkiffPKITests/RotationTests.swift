import Foundation
import SkiffPKI
import SkiffTestSupport
import Testing

@Suite("revoke-access: rotating the site CA")
struct RotationTests {
    @Test("after rotation without overlap, certificates of the old CA no longer verify against the trust bundle")
    func revokeAtOnce() throws {
        let state = try TemporaryDirectory()
        let pki = SitePKI(stateDirectory: state.path)
        _ = try pki.createCA(site: "west")
        try pki.issueServerCertificate(site: "west", hosts: ["west.example.com"])
        let client = try pki.issueClientCertificate(link: "east", site: "west", to: "east")
        let clientPath = try state.write("issued-before.crt", try client.certificatePEM)
        #expect(try OpenSSL.verify(ca: pki.trustBundlePath, certificate: clientPath).status == 0)

        let rotation = try pki.rotateCA(site: "west", overlap: 0)
        #expect(rotation.previousSerial != rotation.newSerial)
        #expect(rotation.previousTrustedUntil == nil && rotation.serverReissued)
        #expect(try OpenSSL.verify(ca: pki.trustBundlePath, certificate: clientPath).status != 0)
        #expect(try OpenSSL.verify(ca: pki.caCertificatePath, certificate: pki.serverFolder + "/tls.crt").status == 0)
        #expect(pki.inspectServer().hosts == ["west.example.com"], "the server certificate keeps its names")
    }

    @Test("with an overlap, the old CA stays trusted until the overlap ends, then drops out of the bundle")
    func overlap() throws {
        let state = try TemporaryDirectory()
        let pki = SitePKI(stateDirectory: state.path)
        _ = try pki.createCA(site: "west")
        let clientPath = try state.write("old.crt", try pki.issueClientCertificate(link: "east", site: "west", to: "east").certificatePEM)
        let now = Date()
        let rotation = try pki.rotateCA(site: "west", overlap: 3600, now: now)
        #expect(rotation.previousTrustedUntil == now.addingTimeInterval(3600))
        #expect(try pki.trustedCAs(now: now).count == 2)
        #expect(try OpenSSL.verify(ca: pki.trustBundlePath, certificate: clientPath).status == 0)
        try pki.writeTrustBundle(now: now.addingTimeInterval(3601))
        #expect(try pki.trustedCAs(now: now.addingTimeInterval(3601)).count == 1)
        #expect(try OpenSSL.verify(ca: pki.trustBundlePath, certificate: clientPath).status != 0)
    }
}
