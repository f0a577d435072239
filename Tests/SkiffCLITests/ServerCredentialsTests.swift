import Foundation
import SkiffTestSupport
import Testing

/// The certificate a router serves links and grants with, from another CA than the site's or
/// provided outright — linked the way a user links (a token redeemed), checked with openssl.
@Suite("Bring your own server certificate or CA", .serialized)
struct ServerCredentialsTests {
    /// West of `GrantedSites` with `site` and `access` in place of its Site and RouterAccess, and `extra` documents.
    static func west(_ sites: GrantedSites, site: [String] = [], access: [String] = [], extra: [String] = []) throws {
        let siteYAML = """
            apiVersion: skupper.io/v2alpha1
            kind: Site
            metadata:
              name: west
            spec:
              linkAccess: default
              settings:
                grant-server: 127.0.0.1:\(sites.grantPort)
            """ + site.map { "\n  " + $0 }.joined()
        let accessYAML = """
            apiVersion: skupper.io/v2alpha1
            kind: RouterAccess
            metadata:
              name: skupper-router
            spec:
              roles:
                - name: inter-router
                  port: \(sites.accessPort)
              subjectAlternativeNames: [127.0.0.1]
            """ + access.map { "\n  " + $0 }.joined()
        try sites.repo.write("west/site.yaml", ([siteYAML, accessYAML, Fixtures.grant("east-link"), Fixtures.listener("backend", port: sites.listenerPort)]
                                                    + extra).joined(separator: "\n---\n"))
        try sites.repo.commit("west's server certificate")
    }

    /// The certificate `openssl s_client` is served at `port`, as text.
    static func served(_ port: Int) throws -> String {
        try Command.run("/bin/sh", ["-c", "openssl s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null | openssl x509 -noout -text"]).stdout
    }

    static func linkAndCarry(_ sites: GrantedSites) throws {
        try sites.commitToken()
        let east = try sites.apply("east")
        #expect(east.status == 0, "\(east.stdout)\(east.stderr)")
        #expect(eventually(timeout: 15) { sites.linkUp("east", "to-west") }, "\((try? sites.status("east")) ?? "")")
        #expect(eventually(timeout: 10) { (try? sites.flow())?["intact"] as? Bool == true })
    }

    @Test("Site defaultIssuer: a signing Certificate issues the router's certificate; the token carries that CA; east redeems it and links")
    func defaultIssuer() throws {
        let sites = try GrantedSites()
        try Self.west(sites, site: ["defaultIssuer: apps-ca"], extra: [Fixtures.certificate("apps-ca", subject: "apps CA", signing: true)])
        let west = try sites.apply("west")
        #expect(west.status == 0, "\(west.stdout)\(west.stderr)")
        let (server, appsCA, siteCA) = (sites.path("west") + "/pki/server/tls.crt", sites.path("west") + "/pki/certificates/apps-ca/tls.crt",
                                        sites.path("west") + "/pki/ca/ca.crt")
        let verified = try OpenSSL.verify(ca: appsCA, certificate: server, purpose: "sslserver")
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(try OpenSSL.verify(ca: siteCA, certificate: server).status != 0, "not the site CA's")
        #expect(try Self.served(sites.accessPort).contains("Issuer: O = skiff, CN = apps CA"))
        try Self.linkAndCarry(sites)
        #expect(try sites.skiff(["plan", "--site", "west", "--state-dir", sites.path("west")]).stdout.contains("No changes"))
    }

    @Test("RouterAccess tlsCredentials: a Certificate of the site serves links and grants (it names the site); the generated certificate is removed")
    func certificateServesLinks() throws {
        let sites = try GrantedSites()
        try Self.west(sites)
        #expect(try sites.apply("west").status == 0)
        #expect(FileManager.default.fileExists(atPath: sites.path("west") + "/pki/server/tls.crt"))
        try Self.west(sites, access: ["tlsCredentials: router-tls"],
                      extra: [Fixtures.certificate("router-tls", subject: "west router", hosts: ["127.0.0.1"], server: true)])
        let west = try sites.apply("west")
        #expect(west.status == 0, "\(west.stdout)\(west.stderr)")
        #expect(west.stdout.contains("+ create Credentials/router-tls (missing): done"), "\(west.stdout)")
        #expect(west.stdout.contains("- delete Certificate/router-server (pruned: the router serves credentials router-tls instead): done"), "\(west.stdout)")
        #expect(eventually(timeout: 10) { ((try? Self.served(sites.accessPort)) ?? "").contains("Subject: O = skiff, CN = west router") })
        #expect(try Self.served(sites.accessPort).contains("URI:urn:skiff:site:west"), "a certificate that serves links names its site")
        #expect(try Self.served(sites.grantPort).contains("Subject: O = skiff, CN = west router"), "the grant server serves it too")
        try Self.linkAndCarry(sites)
    }

    @Test("RouterAccess tlsCredentials placed by hand (an openssl CA and certificate that name no site): tokens carry that CA; east dials, verifies and links")
    func placedByHand() throws {
        let sites = try GrantedSites()
        let folder = sites.path("west") + "/pki/certificates/corp-tls"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let shell = """
            set -e; cd '\(folder)'
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -subj '/CN=corp CA' -days 30 -out ca.crt 2>/dev/null
            openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls.key -subj '/CN=corp west' -out tls.csr 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > ext
            openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile ext -out tls.crt 2>/dev/null
            rm ca.key tls.csr ext
            """
        #expect(try Command.run("/bin/sh", ["-c", shell]).status == 0)
        try Self.west(sites, access: ["tlsCredentials: corp-tls", "generateTlsCredentials: false"])
        let west = try sites.apply("west")
        #expect(west.status == 0, "\(west.stdout)\(west.stderr)")
        #expect(!west.stdout.contains("Credentials/corp-tls"), "credentials placed by hand are read, not issued")
        #expect(eventually(timeout: 10) { ((try? Self.served(sites.accessPort)) ?? "").contains("Subject: CN = corp west") })
        let token = try sites.commitToken()
        #expect(token.contains(try String(contentsOfFile: folder + "/ca.crt", encoding: .utf8).split(separator: "\n")[1]), "the token carries the corp CA")
        let east = try sites.apply("east")
        #expect(east.status == 0, "\(east.stdout)\(east.stderr)")
        #expect(eventually(timeout: 15) { sites.linkUp("east", "to-west") }, "\((try? sites.status("east")) ?? "")")
        #expect(eventually(timeout: 10) { (try? sites.flow())?["intact"] as? Bool == true })
        #expect(FileManager.default.fileExists(atPath: folder + "/tls.key"), "never removed")
    }
}
