import Foundation
import SkiffPKI
import SkiffTestSupport
import Testing
import X509

/// The certificates of links trusted through git, checked by openssl and by `PeerTrust`.
@Suite("Links trusted through git: credentials and peer CAs")
struct TrustedLinkCredentialTests {
    /// Two sites, each with its own CA; east has issued its credentials for link `to-west`.
    struct Sites {
        let state = try! TemporaryDirectory()
        let west: SitePKI, east: SitePKI, north: SitePKI
        init() throws {
            west = SitePKI(stateDirectory: state.path + "/west")
            east = SitePKI(stateDirectory: state.path + "/east")
            north = SitePKI(stateDirectory: state.path + "/north")
            for (pki, site) in [(west, "west"), (east, "east"), (north, "north")] { _ = try pki.createCA(site: site) }
            try east.issueTrustedLinkCredentials("to-west", site: "east", peer: "west", peerCA: try String(contentsOfFile: west.caCertificatePath, encoding: .utf8))
        }

        func bound(_ pki: SitePKI, _ site: String) throws -> [SiteBoundCA] {
            try SiteBoundCA.parse(site: site, pem: String(contentsOfFile: pki.caCertificatePath, encoding: .utf8))
        }
    }

    @Test("east's link certificate comes from east's own CA, names east, and sits beside west's public CA; the report is clean")
    func issued() throws {
        let sites = try Sites()
        let folder = sites.east.linkFolder("to-west")
        #expect(try OpenSSL.verify(ca: sites.east.caCertificatePath, certificate: folder + "/tls.crt", purpose: "sslclient").status == 0)
        #expect(try OpenSSL.verify(ca: folder + "/ca.crt", certificate: folder + "/tls.crt").status != 0, "ca.crt is west's, not the issuer")
        #expect(try OpenSSL.text(folder + "/tls.crt").contains("URI:urn:skiff:site:east"))
        #expect(try OpenSSL.publicKey(ofKey: folder + "/tls.key") == OpenSSL.publicKey(ofCertificate: folder + "/tls.crt"))
        let report = sites.east.inspectTrustedLink("to-west")
        #expect(report.credential.problems.isEmpty && report.credential.site == "east" && !report.renewalDue)
        #expect(report.peerCADigest == SitePKI.digest(try String(contentsOfFile: sites.west.caCertificatePath, encoding: .utf8)))
        // East's CA rotated: the report says the certificate is no longer its CA's.
        _ = try sites.east.rotateCA(site: "east", overlap: 0)
        #expect(sites.east.inspectTrustedLink("to-west").credential.problems.contains { if case .notIssuedByCA = $0 { true } else { false } })
        // A year on, it is due for renewal.
        let fresh = try Sites()
        #expect(!fresh.east.inspectTrustedLink("to-west", now: Date().addingTimeInterval(200 * 86400)).renewalDue)
        #expect(fresh.east.inspectTrustedLink("to-west", now: Date().addingTimeInterval(300 * 86400)).renewalDue)
    }

    @Test("a peer CA accepts its own site's certificate only; a site's own CA accepts any; others none")
    func binding() throws {
        let sites = try Sites()
        let eastCertificate = try PEMFiles.readCertificate(sites.east.linkFolder("to-west") + "/tls.crt")
        let eastCA = try sites.bound(sites.east, "east")
        let westOwn = [try PEMFiles.readCertificate(sites.west.caCertificatePath)]
        #expect(PeerTrust.misissue(eastCertificate, bound: eastCA) == nil)
        // East's CA certifying north (a client certificate east's CA issues for a site named north).
        let forged = try sites.east.issueClientCertificate(link: "x", site: "west", to: "north").certificate
        #expect(PeerTrust.misissue(forged, bound: eastCA) == "its certificate names site north but was issued by the CA of site east, which may certify only east")
        #expect(PeerTrust.misissue(forged, bound: try sites.bound(sites.north, "north")) == nil, "north's CA did not issue it")
        // The same certificate issued by west's own CA (a token): west accepts any site it names.
        let token = try sites.west.issueClientCertificate(link: "x", site: "west", to: "north").certificate
        #expect(PeerTrust.problem(peerDER: try token.derBytes(), trusted: westOwn, bound: eastCA) == nil)
        #expect(PeerTrust.problem(peerDER: try eastCertificate.derBytes(), trusted: westOwn, bound: eastCA) == nil)
        #expect(PeerTrust.problem(peerDER: try forged.derBytes(), trusted: westOwn, bound: eastCA)?.contains("may certify only east") == true)
        // Permission withdrawn (east's CA no longer bound): no longer trusted.
        #expect(PeerTrust.problem(peerDER: try eastCertificate.derBytes(), trusted: westOwn, bound: [])?.contains("git no longer permits its site") == true)
    }

    @Test("a peer's public CA must be a CA certificate valid now")
    func publicCA() throws {
        let sites = try Sites()
        let ca = try String(contentsOfFile: sites.west.caCertificatePath, encoding: .utf8)
        #expect(PublicCAInspector.problem(pem: ca, site: "west", source: "west/ca.crt") == nil)
        #expect(PublicCAInspector.problem(pem: ca, site: "west", source: "west/ca.crt", now: Date().addingTimeInterval(6 * 365 * 86400))?
            .hasPrefix("the CA of site west expired at ") == true)
        let leaf = try String(contentsOfFile: sites.east.linkFolder("to-west") + "/tls.crt", encoding: .utf8)
        #expect(PublicCAInspector.problem(pem: leaf, site: "east", source: "east/ca.crt")?.hasPrefix("not a CA certificate") == true)
        #expect(PublicCAInspector.problem(pem: "nonsense", site: "east", source: "east/ca.crt")?.hasPrefix("not a PEM certificate") == true)
        #expect(sites.west.isCurrentCA(pem: ca) == true)
        #expect(sites.east.isCurrentCA(pem: ca) == false)
    }
}

extension Certificate {
    /// DER bytes, as a TLS handshake hands a peer certificate over.
    func derBytes() throws -> [UInt8] {
        Array(try serializeAsPEM().derBytes)
    }
}
