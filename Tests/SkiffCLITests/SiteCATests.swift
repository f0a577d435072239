import Foundation
import SkiffTestSupport
import Testing

@Suite("skiff site ca", .serialized)
struct SiteCATests {
    @Test("prints the site's CA, which openssl takes to verify the site's server certificate; never a key")
    func printsTheCA() throws {
        let sites = try AppliedSites()
        #expect(try sites.apply("west").status == 0)
        let printed = try sites.skiff(["site", "ca", "--site", "west", "--state-dir", sites.path("west")])
        #expect(printed.status == 0 && printed.stdout.hasPrefix("-----BEGIN CERTIFICATE-----") && !printed.stdout.contains("PRIVATE KEY"))
        let file = sites.state.path + "/west-ca.crt"
        let written = try sites.skiff(["site", "ca", "--site", "west", "--state-dir", sites.path("west"), "--output", file])
        #expect(written.status == 0)
        #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) == 0o644)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == printed.stdout)
        let verify = try OpenSSL.verify(ca: file, certificate: sites.path("west") + "/pki/server/tls.crt")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test("a site without a CA: one line saying how to make one, exit 1, no usage text")
    func noCA() throws {
        let folder = try TemporaryDirectory("skiff-ca")
        let result = try SkiffBinary.run(["site", "ca", "--site", "west", "--state-dir", folder.path + "/west"])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: site west has no CA yet at \(folder.path)/west/pki/ca/ca.crt: `skiff apply --site west` makes it\n", "\(result.stderr)")
    }
}
