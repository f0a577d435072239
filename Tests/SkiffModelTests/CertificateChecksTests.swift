import SkiffModel
import SkiffTestSupport
import Testing

/// Certificates, and the TLS credentials services name, checked across a site folder.
@Suite("Certificates and TLS credentials in a site folder")
struct CertificateChecksTests {
    func diagnostics(_ documents: String...) -> [String] {
        let (_, diagnostics) = Network.load([NetworkFile(path: "west/site.yaml",
                                                         bytes: Array(Fixtures.file(Fixtures.site("west"), documents.joined(separator: "\n---\n")).utf8))])
        return diagnostics.map(\.description)
    }

    @Test("a Certificate with ca and subject, signed by the site CA or a signing Certificate, is valid; Skupper's required fields stay required")
    func valid() {
        #expect(diagnostics(Fixtures.certificate("apps-ca", signing: true), Fixtures.certificate("web", ca: "apps-ca", hosts: ["web"], server: true),
                            Fixtures.certificate("db", client: true)).isEmpty)
        let missing = diagnostics("apiVersion: skupper.io/v2alpha1\nkind: Certificate\nmetadata:\n  name: bare\nspec:\n  client: true")
        #expect(missing.contains { $0.contains("spec.ca: required field is missing") }, "\(missing)")
    }

    @Test("a ca that is not a signing Certificate is an error; ca on a signing one has no effect; one that issues nothing is a warning")
    func issuers() {
        let found = diagnostics(Fixtures.certificate("leaf", client: true), Fixtures.certificate("web", ca: "leaf", server: true),
                                Fixtures.certificate("root", ca: "leaf", signing: true), Fixtures.certificate("idle"))
        #expect(found.contains { $0.hasSuffix("spec.ca: Certificate leaf is not a CA (it has no signing: true), so it cannot sign web") }, "\(found)")
        #expect(found.contains { $0.hasSuffix("spec.ca: has no effect here: a signing Certificate is a self-signed CA (as in Skupper), not signed by leaf") })
        #expect(found.contains { $0.hasSuffix("Certificate idle is neither client, server nor signing: nothing is issued (set one of them)") })
    }

    @Test("credentials are named like resources: a name that is a path is refused before anything reads it", arguments: [
        "../../etc", "a/b", "/etc/ssl", "UPPER",
    ])
    func credentialNames(name: String) {
        let found = diagnostics(Fixtures.listener("web", port: 8443, extra: ["tlsCredentials: \"\(name)\""]),
                                Fixtures.certificate("x", ca: name, client: true))
        #expect(found.filter { $0.contains("expected a lowercase name") }.count == 2, "\(found)")
    }

    @Test("a listener serves TLS with a server certificate, a connector presents a client certificate; TLS options without credentials have no effect")
    func serviceCredentials() {
        let found = diagnostics(Fixtures.certificate("client-only", client: true), Fixtures.certificate("server-only", server: true),
                                Fixtures.listener("web", port: 8443, extra: ["tlsCredentials: client-only"]),
                                Fixtures.connector("db", port: 5432, extra: ["tlsCredentials: server-only", "useClientCert: true"]),
                                Fixtures.connector("api", port: 8080, extra: ["verifyHostname: true"]),
                                Fixtures.listener("ok", port: 9443, extra: ["tlsCredentials: server-only"]),
                                Fixtures.connector("placed", port: 6000, extra: ["tlsCredentials: by-hand"]))
        #expect(found.contains { $0.hasSuffix("spec.tlsCredentials: Certificate client-only is not a server certificate (server: true), so Listener web cannot serve TLS with it") })
        #expect(found.contains { $0.hasSuffix("spec.useClientCert: Certificate server-only is not a client certificate (client: true), so Connector db cannot present it") })
        #expect(found.contains { $0.hasSuffix("spec.verifyHostname: has no effect here: without spec.tlsCredentials there is no TLS") })
        let tls = found.filter { !$0.contains("routing key") }
        #expect(tls.count == 3, "credentials no Certificate names are placed by hand; the plan checks them: \(tls)")
    }
}
