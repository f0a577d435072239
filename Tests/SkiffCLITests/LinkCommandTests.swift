import Foundation
import SkiffPlan
import SkiffReconcile
import SkiffTestSupport
import Testing

/// Links without tokens: `skiff link generate` at west, applied at east by hand or from git, and
/// the layout `skupper link generate` prints. Real routers, stopped at the end (GrantedSites).
@Suite("skiff link generate / apply", .serialized)
struct LinkCommandTests {
    /// West applied; a link for east generated there, written to a file of the test's own.
    func generated(_ sites: GrantedSites, extra: [String] = []) throws -> (path: String, yaml: String) {
        #expect(try sites.apply("west").status == 0)
        let path = sites.state.path + "/link.yaml"
        let generate = try sites.skiff(["link", "generate", "--site", "west", "--state-dir", sites.path("west"), "--for", "east", "--output", path] + extra)
        #expect(generate.status == 0, "\(generate.stderr)")
        #expect(generate.stderr.contains("Next, at east: skiff link apply \(path) --site east"))
        return (path, try String(contentsOfFile: path, encoding: .utf8))
    }

    /// The Secret's files, decoded, as `openssl` reads them.
    func secretFiles(_ yaml: String, into folder: String) throws {
        for file in ["ca.crt", "tls.crt", "tls.key"] {
            let line = try #require(yaml.split(separator: "\n").first { $0.hasPrefix("  \(file): ") })
            let data = try #require(Data(base64Encoded: String(line.dropFirst(file.count + 4))))
            try data.write(to: URL(fileURLWithPath: "\(folder)/\(file)"))
        }
    }

    @Test("generate prints a Link and a v1 Secret whose certificate openssl verifies against west's CA; link apply at east links and carries traffic; revoke-access ends it")
    func generateAndApply() throws {
        let sites = try GrantedSites()
        let (path, yaml) = try generated(sites)
        #expect(yaml.contains("kind: Link\nmetadata:\n  name: to-west\nspec:\n  endpoints:\n    - name: inter-router\n      host: \"127.0.0.1\"\n      port: \"\(sites.accessPort)\""), "\(yaml)")
        #expect(yaml.contains("apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata:\n  name: to-west\ndata:\n  ca.crt: "))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let folder = try TemporaryDirectory()
        try secretFiles(yaml, into: folder.path)
        #expect(try OpenSSL.verify(ca: folder.path + "/ca.crt", certificate: folder.path + "/tls.crt", purpose: "sslclient").status == 0)
        #expect(try OpenSSL.verify(ca: sites.path("west") + "/pki/ca/ca.crt", certificate: folder.path + "/tls.crt").status == 0)

        let applied = try sites.skiff(["link", "apply", path, "--site", "east", "--state-dir", sites.path("east")])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("Applied link to-west to 127.0.0.1:\(sites.accessPort): recorded; the router dials it when it next starts."), "\(applied.stdout)")
        #expect(try sites.apply("east").status == 0)
        #expect(eventually(timeout: 10) { sites.linkUp("east", "to-west") }, "\((try? sites.status("east")) ?? "")")
        #expect(eventually(timeout: 10) { ((try? sites.flow())?["intact"] as? Bool) == true })
        let plan = try sites.skiff(["plan", "--site", "east", "--state-dir", sites.path("east")])
        #expect(plan.stdout.contains("No changes."), "the applied link is part of east's state: \(plan.stdout)")

        #expect(try sites.skiff(["revoke-access", "--site", "west", "--state-dir", sites.path("west")]).status == 0)
        #expect(eventually(timeout: 5) { !sites.linkUp("east", "to-west") }, "a generated link ends with revoke-access")
    }

    @Test("committed into git, the Link and Secret draw a loud warning, are written where the router reads them, and link; nothing is planned again")
    func fromGit() throws {
        let sites = try GrantedSites()
        let (_, yaml) = try generated(sites, extra: ["--name", "west-link"])
        try sites.repo.write("east/link.yaml", yaml)
        try sites.repo.commit("east: the link to west, key and all")
        let validate = try sites.skiff(["validate"])
        #expect(validate.stdout.contains("east/link.yaml:"), "\(validate.stdout)")
        #expect(validate.stdout.contains("KEY MATERIAL IN GIT: Secret/west-link commits the private key Link/west-link dials with; anyone who can read this repository can link as site east"), "\(validate.stdout)")
        let plan = try sites.skiff(["plan", "--site", "east", "--state-dir", sites.path("east")])
        #expect(plan.stdout.contains("+ create LinkCredentials/west-link (added in git: Secret/west-link)"), "\(plan.stdout)")
        #expect(!plan.stdout.contains("BEGIN"), "no key material in the plan")
        #expect(try sites.apply("east").status == 0)
        #expect(eventually(timeout: 10) { sites.linkUp("east", "west-link") }, "\((try? sites.status("east")) ?? "")")
        #expect(eventually(timeout: 10) { ((try? sites.flow())?["intact"] as? Bool) == true })
        let key = sites.path("east") + "/pki/links/west-link/tls.key"
        #expect((try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int) == 0o600)
        let again = try sites.skiff(["plan", "--site", "east", "--state-dir", sites.path("east")])
        #expect(!again.stdout.contains("LinkCredentials"), "\(again.stdout)")
    }

    @Test("Skupper's own link generate layout (refdog, commands/link/generate.md: endpoint groups, string ports, no cost) loads and links")
    func skupperLayout() throws {
        let sites = try GrantedSites()
        let (_, yaml) = try generated(sites)
        func data(_ file: String) -> String {
            String(yaml.split(separator: "\n").first { $0.hasPrefix("  \(file): ") }!.dropFirst(file.count + 4))
        }
        // Skupper's layout and its generated name, byte for byte but for the addresses and the
        // credentials (its example truncates them; these are west's).
        let skupper = """
            apiVersion: skupper.io/v2alpha1
            kind: Link
            metadata:
              name: south-ac619
            spec:
              endpoints:
                - group: skupper-router-1
                  host: 127.0.0.1
                  name: inter-router
                  port: "\(sites.accessPort)"
                - group: skupper-router-1
                  host: 127.0.0.1
                  name: edge
                  port: "45671"
              tlsCredentials: south-ac619
            ---
            apiVersion: v1
            kind: Secret
            type: kubernetes.io/tls
            metadata:
              name: south-ac619
            data:
              ca.crt: \(data("ca.crt"))
              tls.crt: \(data("tls.crt"))
              tls.key: \(data("tls.key"))

            """
        let path = try sites.repo.directory.write("skupper-link.yaml", skupper)
        let applied = try sites.skiff(["link", "apply", path, "--site", "east", "--state-dir", sites.path("east")])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try sites.apply("east").status == 0)
        #expect(eventually(timeout: 10) { sites.linkUp("east", "south-ac619") }, "\((try? sites.status("east")) ?? "")")
    }

    @Test("bad input: no link access, linking to itself, a file without its Secret, credentials that do not match; nothing is stored")
    func refusals() throws {
        let sites = try GrantedSites()
        #expect(try sites.apply("east").status == 0)
        let noAccess = try sites.skiff(["link", "generate", "--site", "east", "--state-dir", sites.path("east"), "--for", "west"])
        #expect(noAccess.status == 1 && noAccess.stderr.contains("site east accepts no links"), "\(noAccess.stderr)")
        let (path, yaml) = try generated(sites)
        let itself = try sites.skiff(["link", "generate", "--site", "west", "--state-dir", sites.path("west"), "--for", "west"])
        #expect(itself.status == 1 && itself.stderr.contains("a site cannot link to itself"), "\(itself.stderr)")

        let linkOnly = try sites.repo.directory.write("link-only.yaml", yaml.components(separatedBy: "---\n")[0])
        let missing = try sites.skiff(["link", "apply", linkOnly, "--site", "east", "--state-dir", sites.path("east")])
        #expect(missing.status == 1 && missing.stderr.contains("link-only.yaml: Link/to-west names credentials to-west, but the file holds no Secret of that name"), "\(missing.stderr)")

        // Another link's key with this certificate: they do not belong together.
        let other = try sites.skiff(["link", "generate", "--site", "west", "--state-dir", sites.path("west"), "--for", "east"]).stdout
        let otherKey = other.split(separator: "\n").first { $0.hasPrefix("  tls.key: ") }!
        let mixed = yaml.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasPrefix("  tls.key: ") ? otherKey : $0 }.joined(separator: "\n")
        let mixedPath = try sites.repo.directory.write("mixed.yaml", mixed)
        let mismatch = try sites.skiff(["link", "apply", mixedPath, "--site", "east", "--state-dir", sites.path("east")])
        #expect(mismatch.status == 1 && mismatch.stderr.contains("the credentials in Secret/to-west do not check out"), "\(mismatch.stderr)")
        #expect(!FileManager.default.fileExists(atPath: sites.path("east") + "/pki/links/to-west"), "nothing stored")
        _ = path
    }
}
