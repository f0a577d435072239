import Foundation
import SkiffRouterAPI
import SkiffTestSupport
import Testing

@Suite("skiff version", .serialized)
struct VersionTests {
    static func json(_ result: CommandResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\(result.stderr)")
    }

    @Test("version names the commit git has checked out, the libgit2 pkg-config knows, and the TLS library")
    func build() throws {
        let report = try Self.json(try SkiffBinary.run(["version", "--output", "json"]))
        let root = URL(fileURLWithPath: SkiffBinary.path).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        if let head = try? Command.run("git", ["-C", root, "rev-parse", "HEAD"]), head.status == 0 {
            #expect(report["commit"] as? String == head.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        if let library = try? Command.run("pkg-config", ["--modversion", "libgit2"]), library.status == 0 {
            #expect(report["libgit2"] as? String == library.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(report["tls"] as? String == "BoringSSL")
        #expect((report["packages"] as? [String: String])?["swift-nio-ssl"]?.isEmpty == false)
        #expect(report["format_version"] as? Int == 1)
        let text = try SkiffBinary.run(["version"]).stdout
        #expect(text.hasPrefix("skiff \(report["version"] as? String ?? "?") (\((report["commit"] as? String ?? "?").prefix(12)))"))
        #expect(try SkiffBinary.run(["--version"]).stdout.hasPrefix(report["version"] as? String ?? "?"))
    }

    @Test("each router announces its version: in its status, to its peer in HELLO, and to every site through link state")
    func routers() throws {
        let sites = try AppliedSites()
        #expect(try sites.apply("west").status == 0)
        try sites.grantEastAccess()
        #expect(try sites.apply("east").status == 0)
        let expected = try #require(try SkiffBinary.run(["--version"]).stdout.split(separator: "\n").first.map(String.init))
        #expect(eventually { (try? sites.client("west").status())?.links.first?.peerVersion == expected })
        let east = try sites.client("east").status()
        #expect(east.version == expected)
        #expect(east.links.first?.peerVersion == expected)
        #expect(eventually { (try? sites.client("east").status())?.routing?.versions == ["west": expected, "east": expected] })
        let report = try Self.json(try sites.skiff(["version", "--site", "west", "--state-dir", sites.path("west"), "--output", "json"]))
        let router = try #require(report["router"] as? [String: Any])
        #expect(router["version"] as? String == expected && router["running"] as? Bool == true)
        let status = try sites.skiff(["status", "--site", "east", "--state-dir", sites.path("east")]).stdout
        #expect(status.contains("Router: running, version \(expected)"), "\(status)")
        #expect(status.contains("peer runs \(expected)"), "\(status)")
        #expect(status.contains("west [\(expected)]"), "\(status)")
    }
}
