import SkiffModel
import SkiffTestSupport
import Testing

/// Link trust through git, as validation sees it: which combinations of `ca.crt`, the Site's
/// `skiff.io/accept-links-from` and a Link's `skiff.io/site` resolve, and what every refusal says.
@Suite("Links trusted through git: validation")
struct SiteTrustTests {
    /// Not a real certificate: validation reads only that it is one PEM certificate (planning
    /// checks the rest with the certificate parsed).
    static let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

    static func west(accepting: String?) -> String {
        let site = Fixtures.site("west")
        return Fixtures.file(accepting.map { Fixtures.annotated(site, ["skiff.io/accept-links-from": $0]) } ?? site,
                             Fixtures.routerAccess(port: 55671))
    }

    static func east(link: String? = "west", extra: [String] = []) -> String {
        var documents = [Fixtures.site("east")]
        if let link { documents.append(Fixtures.annotated(Fixtures.link("to-west"), ["skiff.io/site": link]) + extra.map { "\n  " + $0 }.joined()) }
        return documents.joined(separator: "\n---\n") + "\n"
    }

    @Test("a permitted link resolves: west trusts east's CA, east's link trusts west's")
    func resolves() {
        let (network, diagnostics) = load([
            ("west/site.yaml", Self.west(accepting: "east, north")), ("west/ca.crt", Self.pem),
            ("east/site.yaml", Self.east()), ("east/ca.crt", Self.pem),
            ("north/site.yaml", Fixtures.site("north")), ("north/ca.crt", Self.pem),
        ])
        #expect(diagnostics.errors.isEmpty, "\(lines(diagnostics))")
        #expect(network.sites["west"]?.trustedPeers.map(\.site) == ["east", "north"])
        #expect(network.sites["east"]?.trustedLinks["to-west"]?.peer == "west")
        #expect(network.sites["east"]?.trustedLinks["to-west"]?.peerCA.location.file == "west/ca.crt")
        #expect(network.sites["east"]?.trustedPeers.isEmpty == true)
    }

    @Test("every refusal names the file, line and annotation, and says what to commit", arguments: [
        // (west accepts, east's link names, files missing, east link extra, expected line)
        (nil as String?, "west", [] as [String], [] as [String],
         "east/site.yaml:12:20: metadata.annotations.skiff.io/site: Link/to-west: site west does not accept links from east: add east to skiff.io/accept-links-from on Site west (west/site.yaml)"),
        ("east", "south", [], [],
         "east/site.yaml:12:20: metadata.annotations.skiff.io/site: Link/to-west: no site \"south\" in this repository (a site outside it links with a token: skiff token redeem)"),
        ("east", "east", [], [],
         "east/site.yaml:12:20: metadata.annotations.skiff.io/site: Link/to-west: names its own site east; a site cannot link to itself"),
        ("east", "west", ["west/ca.crt"], [],
         "east/site.yaml:12:20: metadata.annotations.skiff.io/site: Link/to-west: site west has no public CA in git: commit it with skiff site ca --site west --output west/ca.crt"),
        ("east", "west", ["east/ca.crt"], [],
         "west/site.yaml:6:33: metadata.annotations.skiff.io/accept-links-from: site east has no public CA in git: commit it with skiff site ca --site east --output east/ca.crt"),
        ("east", "west", [], ["tlsCredentials: to-west"],
         "east/site.yaml:19:19: spec.tlsCredentials: Link/to-west: a link trusted through git dials with a certificate of this site's own CA; remove spec.tlsCredentials (or the skiff.io/site annotation)"),
        ("east, west", "west", [], [],
         "west/site.yaml:6:33: metadata.annotations.skiff.io/accept-links-from: site west names itself; a site cannot link to itself"),
        ("east, south", "west", [], [],
         "west/site.yaml:6:33: metadata.annotations.skiff.io/accept-links-from: no site south in this repository (a site outside it links with a token: skiff grant create)"),
    ])
    func refusals(accepting: String?, linkTo: String, missing: [String], extra: [String], expected: String) {
        let files = [("west/site.yaml", Self.west(accepting: accepting)), ("west/ca.crt", Self.pem),
                     ("east/site.yaml", Self.east(link: linkTo, extra: extra)), ("east/ca.crt", Self.pem)]
        let (network, diagnostics) = load(files.filter { !missing.contains($0.0) })
        #expect(lines(diagnostics.errors).contains(expected), "\(lines(diagnostics.errors))")
        // A refused Link is not resolved; a refusal at west's Site leaves east's permitted link alone.
        if expected.hasPrefix("east/") { #expect(network.sites["east"]?.trustedLinks.isEmpty == true) }
    }

    @Test("a site serving a certificate of another CA cannot accept links through git")
    func providedServerCertificate() {
        let west = Fixtures.file(Fixtures.annotated(Fixtures.site("west"), ["skiff.io/accept-links-from": "east"]),
                                 Fixtures.routerAccess(port: 55671) + "\n  tlsCredentials: west-tls")
        let (network, diagnostics) = load([("west/site.yaml", west), ("west/ca.crt", Self.pem), ("east/site.yaml", Self.east()), ("east/ca.crt", Self.pem)])
        #expect(lines(diagnostics.errors).contains { $0.hasPrefix("east/site.yaml:12:20: metadata.annotations.skiff.io/site: Link/to-west: site west serves a certificate its own CA did not issue") },
                "\(lines(diagnostics.errors))")
        #expect(network.sites["east"]?.trustedLinks.isEmpty == true)
    }

    @Test("ca.crt must be one PEM certificate and never a key; elsewhere than a site folder's top it is not read")
    func publicCAFiles() {
        let key = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"
        let cases: [(String, String)] = [
            (key + Self.pem, "east/ca.crt: KEY MATERIAL IN GIT: this file holds a private key; ca.crt is the site's public CA certificate only (skiff site ca --site east) — remove the key from git and rotate the CA (skiff revoke-access)"),
            (Self.pem + Self.pem, "east/ca.crt: holds 2 certificates; a site's public CA is exactly one"),
            ("hello", "east/ca.crt: holds no PEM certificate (commit the output of skiff site ca --site east)"),
            (String(repeating: "x", count: 17 * 1024), "east/ca.crt: 17408 bytes; a site's public CA certificate is at most 16384"),
        ]
        for (text, expected) in cases {
            let (network, diagnostics) = load([("east/site.yaml", Fixtures.site("east")), ("east/ca.crt", text)])
            #expect(lines(diagnostics.errors) == [expected])
            #expect(network.sites["east"]?.publicCA == nil)
        }
        let (network, diagnostics) = load([("east/site.yaml", Fixtures.site("east")), ("east/certs/ca.crt", Self.pem), ("ca.crt", Self.pem)])
        #expect(diagnostics.isEmpty, "\(lines(diagnostics))")
        #expect(network.sites["east"]?.publicCA == nil)
    }
}
