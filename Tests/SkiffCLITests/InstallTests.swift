import Foundation
import SkiffTestSupport
import Testing

/// `skiff install` / `uninstall`: units checked by systemd's own `systemd-analyze verify`.
@Suite("skiff install")
struct InstallTests {
    /// `systemd-analyze verify` on `unit`: its complaints (empty when it has none).
    static func verify(_ unit: String) throws -> String {
        let result = try Command.run("systemd-analyze", ["verify", unit])
        return result.status == 0 ? result.stderr.trimmingCharacters(in: .whitespacesAndNewlines) : "exit \(result.status): \(result.stderr)"
    }

    static func field(_ name: String, in unit: String) -> [String] {
        unit.split(separator: "\n").filter { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
    }

    @Test("a system unit: dynamic user, state directory, hardening, restart on failure, reload is a cycle — and systemd-analyze finds nothing")
    func systemUnit() throws {
        let folder = try TemporaryDirectory("skiff-units")
        let secret = try folder.write("hook-secret", "s3cret\n")
        let result = try SkiffBinary.run(["install", "--site", "west", "--repo", "https://git.example.com/net.git", "--path", "my network",
                                          "--ref", "main", "--interval", "1m", "--webhook-secret-file", secret, "--log-format", "json",
                                          "--system", "--unit-dir", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("systemctl daemon-reload && systemctl enable --now skiff-west.service"))
        let path = folder.path + "/skiff-west.service"
        let complaints = try Self.verify(path)
        #expect(complaints == "", "\(complaints)")
        let unit = try String(contentsOfFile: path, encoding: .utf8)
        let start = try #require(Self.field("ExecStart", in: unit).first)
        let binary = String(start.prefix { $0 != " " })
        #expect(FileManager.default.isExecutableFile(atPath: binary), "ExecStart runs this build's binary: \(binary)")
        #expect(start.contains(" daemon --site west --repo https://git.example.com/net.git --path \"my network\" --ref main --interval 1m --log-format json"))
        #expect(start.contains("--state-dir %S/skiff/west") && start.contains("--webhook-secret-file %d/webhook-secret"))
        for (name, value) in [("DynamicUser", "yes"), ("User", "skiff"), ("StateDirectory", "skiff/west"), ("Restart", "on-failure"),
                              ("KillMode", "process"), ("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("PrivateTmp", "yes"),
                              ("ExecReload", "/bin/kill -HUP $MAINPID"),
                              ("LoadCredential", "webhook-secret:" + URL(fileURLWithPath: secret).standardizedFileURL.path),
                              ("WantedBy", "multi-user.target")]
        {
            #expect(Self.field(name, in: unit) == [value], "\(name)")
        }
        let removed = try SkiffBinary.run(["uninstall", "--site", "west", "--system", "--unit-dir", folder.path])
        #expect(removed.status == 0 && !FileManager.default.fileExists(atPath: path))
        let again = try SkiffBinary.run(["uninstall", "--site", "west", "--system", "--unit-dir", folder.path])
        #expect(again.status == 1 && again.stderr.contains("no unit for site west at \(path)"), "\(again.stderr)")
    }

    @Test("a user unit: the user's state and cache folders writable, the rest read-only; a local repository by its absolute path")
    func userUnit() throws {
        let folder = try TemporaryDirectory("skiff-units")
        let home = try TemporaryDirectory("skiff-home")
        let environment = ["XDG_STATE_HOME": home.path + "/state", "XDG_CACHE_HOME": home.path + "/cache"]
        let base = URL(fileURLWithPath: home.path).standardizedFileURL.path
        let result = try SkiffBinary.run(["install", "--site", "east", "--repo", "network-repo", "--user", "--unit-dir", folder.path],
                                         in: home.path, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let path = folder.path + "/skiff-east.service"
        let complaints = try Self.verify(path)
        #expect(complaints == "", "\(complaints)")
        let unit = try String(contentsOfFile: path, encoding: .utf8)
        let start = try #require(Self.field("ExecStart", in: unit).first)
        #expect(start.contains("--repo \(base)/network-repo") && start.contains("--state-dir \(base)/state/skiff/east"), "\(start)")
        #expect(Self.field("ReadWritePaths", in: unit) == ["-\(base)/state/skiff/east -\(base)/cache/skiff/repos"])
        #expect(Self.field("WantedBy", in: unit) == ["default.target"] && Self.field("DynamicUser", in: unit).isEmpty)
    }

    @Test("the check can fail: systemd-analyze flags a unit with a misspelt key or a missing binary")
    func verifierBites() throws {
        let folder = try TemporaryDirectory("skiff-units")
        #expect(try SkiffBinary.run(["install", "--site", "west", "--repo", "/srv/net", "--system", "--unit-dir", folder.path]).status == 0)
        let path = folder.path + "/skiff-west.service"
        let unit = try String(contentsOfFile: path, encoding: .utf8)
        try unit.replacingOccurrences(of: "PrivateTmp=", with: "PrivatTmp=").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Self.verify(path).contains("PrivatTmp"))
        let fake = try folder.write("not-skiff", "#!/bin/sh\n")
        #expect(try SkiffBinary.run(["install", "--site", "west", "--repo", "/srv/net", "--system", "--unit-dir", folder.path, "--binary", fake]).status == 1,
                "a binary that is not executable is refused")
    }

    @Test("bad input: a site name that cannot name a unit, both scopes, a relative secret file")
    func badInput() throws {
        let folder = try TemporaryDirectory("skiff-units")
        for (arguments, message) in [
            (["--site", "West/../x", "--repo", "/r"], "--site expects a site name"),
            (["--site", "west", "--repo", "/r", "--user", "--system"], "--user and --system exclude each other"),
            (["--site", "west", "--repo", "/r", "--webhook-secret-file", "secret"], "must be an absolute path"),
            (["--site", "west", "--repo", "/r", "--interval", "soon"], "--interval expects a duration"),
        ] {
            let result = try SkiffBinary.run(["install"] + arguments + ["--unit-dir", folder.path])
            #expect(result.status == 1 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect((try FileManager.default.contentsOfDirectory(atPath: folder.path)).isEmpty, "nothing written")
    }
}
