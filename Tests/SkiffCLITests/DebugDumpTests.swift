import Foundation
import SkiffTestSupport
import Testing

@Suite("skiff debug dump", .serialized)
struct DebugDumpTests {
    /// Every file of the archive at `path`, extracted by tar: relative path → bytes.
    static func extract(_ archive: String) throws -> [String: Data] {
        let folder = try TemporaryDirectory("skiff-dump-check")
        let untar = try Command.run("tar", ["-xzf", archive, "-C", folder.path])
        #expect(untar.status == 0, "\(untar.stderr)")
        var files: [String: Data] = [:]
        for relative in FileManager.default.subpaths(atPath: folder.path) ?? [] {
            var isFolder: ObjCBool = false
            let path = folder.path + "/" + relative
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            files[String(relative.drop { $0 != "/" }.dropFirst())] = FileManager.default.contents(atPath: path)
        }
        return files
    }

    /// What must never leave a state directory: each private key (its PEM lines and its DER bytes)
    /// and each grant's one-time code.
    static func secrets(in state: String) throws -> [Data] {
        var secrets: [Data] = []
        for relative in FileManager.default.subpaths(atPath: state) ?? [] where relative.hasSuffix(".key") {
            let pem = try String(contentsOfFile: state + "/" + relative, encoding: .utf8)
            let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }
            secrets += body.map { Data($0.utf8) }
            secrets.append(try #require(Data(base64Encoded: body.joined())))
        }
        if let data = FileManager.default.contents(atPath: state + "/records/grants.json"),
           let grants = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["grants"] as? [String: [String: Any]]
        {
            secrets += grants.values.compactMap { $0["code"] as? String }.map { Data($0.utf8) }
        }
        return secrets
    }

    @Test("a dump holds status, routes, link states, logs and certificate summaries, and not one secret byte of the state directory")
    func dump() throws {
        let sites = try AppliedSites()
        try sites.repo.write("west/grant.yaml", Fixtures.grant("for-east", redemptionsAllowed: 3))
        try sites.repo.commit("grant")
        #expect(try sites.apply("west").status == 0)
        try sites.grantEastAccess()
        #expect(try sites.apply("east").status == 0)
        #expect(eventually { (try? sites.client("east").status())?.routing?.routes.isEmpty == false })

        for site in ["west", "east"] {
            let state = sites.path(site)
            let archive = sites.state.path + "/\(site).tar.gz"
            let result = try sites.skiff(["debug", "dump", "--site", site, "--state-dir", state, "--output", archive])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            let mode = try #require(FileManager.default.attributesOfItem(atPath: archive)[.posixPermissions] as? Int)
            #expect(mode == 0o600, "the archive is private: \(String(mode, radix: 8))")
            let files = try Self.extract(archive)
            for name in ["version.json", "status.txt", "status.json", "router/status.json", "router/live-config.json", "logs/router.log",
                         "certificates.json", "files.txt", "state/records/applied.json", "state/router/config.json"]
            {
                #expect(files[name] != nil, "\(site): \(name) missing from \(files.keys.sorted())")
            }
            let status = String(decoding: files["router/status.json"] ?? Data(), as: UTF8.self)
            #expect(status.contains("\"routes\"") && status.contains("\"state\" : \"up\""), "\(site): the routing table and link states")
            #expect(!files.keys.contains { $0.hasSuffix(".key") }, "no key file is copied")
            #expect(String(decoding: files["files.txt"] ?? Data(), as: UTF8.self).contains("pki/ca/tls.key"), "keys are listed by name")

            // The CA's summary carries the fingerprint openssl computes.
            let summaries = try #require(try JSONSerialization.jsonObject(with: files["certificates.json"] ?? Data()) as? [[String: Any]])
            let ca = try #require(summaries.first { $0["path"] as? String == "pki/ca/ca.crt" })
            let openssl = try Command.run("openssl", ["x509", "-in", state + "/pki/ca/ca.crt", "-noout", "-fingerprint", "-sha256"]).stdout
            let fingerprint = openssl.split(separator: "=").last.map { $0.replacingOccurrences(of: ":", with: "").lowercased() }?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(ca["sha256"] as? String == fingerprint && ca["isCA"] as? Bool == true)

            let secrets = try Self.secrets(in: state)
            #expect(secrets.count >= 6, "\(site): keys to look for")
            if site == "west" {
                #expect(String(decoding: files["state/records/grants.json"] ?? Data(), as: UTF8.self).contains("\"code\" : \"(removed)\""))
            }
            for (name, bytes) in files {
                for secret in secrets where bytes.range(of: secret) != nil {
                    Issue.record("\(site): \(name) holds a secret from the state directory")
                }
            }
        }
    }

    @Test("no state directory: one line saying so, exit 1, nothing written")
    func missingSite() throws {
        let folder = try TemporaryDirectory("skiff-dump")
        let result = try SkiffBinary.run(["debug", "dump", "--site", "nowhere", "--state-dir", folder.path + "/none", "--output", folder.path + "/d.tar.gz"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no state directory for site nowhere at \(folder.path)/none"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/d.tar.gz"))
    }
}
