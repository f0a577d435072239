import Foundation
import SkiffPKI
import SkiffRouter
import SkiffTestSupport
import Testing

/// The link port checked with `openssl s_client`, a TLS client nobody here wrote.
@Suite("Router: mutual TLS on links", .serialized)
struct LinkSecurityTests {
    /// Runs s_client against west's link port for about a second and returns everything it printed.
    static func handshake(_ sites: TwoSites, _ arguments: [String]) throws -> String {
        let script = "sleep 1 | timeout 5 openssl s_client -connect 127.0.0.1:\(sites.accessPort) -CAfile \(sites.west.path)/pki/ca/ca.crt "
            + arguments.joined(separator: " ") + " 2>&1"
        return try Command.run("/bin/sh", ["-c", script]).stdout
    }

    @Test("no client certificate, a self-signed one, another site's, and TLS 1.2 are all refused and logged; east's is accepted")
    func refusals() throws {
        let sites = try TwoSites()
        let other = try TemporaryDirectory()
        let otherPKI = SitePKI(stateDirectory: other.path)
        let otherCA = try otherPKI.createCA(site: "elsewhere")
        let foreign = try otherPKI.issueClientCertificate(link: "x", site: "elsewhere")
        try PEMFiles.writeCredential(foreign, ca: otherCA.certificate, to: other.path + "/foreign")
        try Command.check("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                                      other.path + "/self.key", "-out", other.path + "/self.crt", "-subj", "/CN=self", "-days", "1"])

        let none = try Self.handshake(sites, ["-tls1_3"])
        #expect(none.contains("alert certificate required"), "\(none)")
        let selfSigned = try Self.handshake(sites, ["-tls1_3", "-cert", other.path + "/self.crt", "-key", other.path + "/self.key"])
        #expect(selfSigned.contains("alert"), "\(selfSigned)")
        let foreignCA = try Self.handshake(sites, ["-tls1_3", "-cert", other.path + "/foreign/tls.crt", "-key", other.path + "/foreign/tls.key"])
        #expect(foreignCA.contains("alert"), "\(foreignCA)")
        let tls12 = try Self.handshake(sites, ["-tls1_2"])
        #expect(tls12.contains("alert protocol version"), "\(tls12)")
        let link = sites.east.path + "/pki/links/to-west"
        let accepted = try Self.handshake(sites, ["-tls1_3", "-cert", link + "/tls.crt", "-key", link + "/tls.key"])
        #expect(!accepted.contains("alert") && accepted.contains("TLSv1.3"), "\(accepted)")

        #expect(eventually { sites.log("west").components(separatedBy: "refused a link handshake").count - 1 >= 4 })
        #expect(sites.log("west").contains("peer=[IPv4]127.0.0.1"))
    }

    @Test("a peer that goes silent (SIGSTOP) is declared dead by keepalive within about 3 s")
    func keepalive() throws {
        let sites = try TwoSites()
        let east = try #require(sites.eastRouter)
        kill(east.process.processIdentifier, SIGSTOP)
        defer { kill(east.process.processIdentifier, SIGCONT) }
        let stopped = Date()
        #expect(try eventually(timeout: 8) { try sites.status("west").links.isEmpty })
        let detected = Date().timeIntervalSince(stopped)
        #expect(detected > 2.5 && detected < 5, "declared dead after \(detected) s")
        #expect(sites.log("west").contains("keepalive"))
        kill(east.process.processIdentifier, SIGCONT)
        #expect(sites.waitForLink(timeout: 15), "the link comes back once east answers again")
        print("silent peer declared dead after \(detected) s")
    }
}
