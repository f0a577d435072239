import Foundation
import SkiffTestSupport
import Testing

@Suite("skiff validate, as a user runs it")
struct ValidateCommandTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/Examples"

    @Test("the bundled examples validate, and say they were read as plain folders", arguments: ["hello-world", "ha"])
    func examples(name: String) throws {
        let result = try SkiffBinary.run(["validate", "--repo", "\(Self.examples)/\(name)", "--strict"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("(not a git repository)"))
        #expect(result.stdout.contains("Valid: "))
    }

    @Test("an invalid repository exits 1 and lists every error with file:line:col")
    func invalid() throws {
        let repo = try GitFixture()
        try repo.write("net/west/site.yaml", Fixtures.file(Fixtures.site("west"), Fixtures.listener("web", port: 8080)))
        try repo.write("net/west/bad.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata:\n  name: api\nspec:\n  routingKey: api\n  host: 0.0.0.0\n  port: \"80a\"\n  prot: 1\n")
        try repo.commit("bad")
        let result = try SkiffBinary.run(["validate", "--path", "net"], in: repo.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains(#"west/bad.yaml:8:9: spec.port: expected an integer 1-65535, got "80a""#))
        #expect(result.stdout.contains("west/bad.yaml:9:3: spec.prot: unknown field; did you mean port?"))
        #expect(result.stdout.contains("Invalid: 1 site, 2 resources; 2 errors, 1 warning."))
    }

    @Test("warnings pass, unless --strict")
    func strict() throws {
        let repo = try GitFixture()
        try repo.write("west/site.yaml", Fixtures.file(Fixtures.site("west"), Fixtures.listener("web", port: 8080)))
        try repo.commit("warn")
        #expect(try SkiffBinary.run(["validate"], in: repo.path).status == 0)
        let strict = try SkiffBinary.run(["validate", "--strict"], in: repo.path)
        #expect(strict.status == 1)
        #expect(strict.stdout.contains(#"warning: spec.routingKey: no connector in this repository serves routing key "web""#))
    }

    @Test("--output json is machine-readable and carries the commit and diagnostics")
    func json() throws {
        let repo = try GitFixture()
        try repo.write("west/site.yaml", Fixtures.file(Fixtures.site("west"), Fixtures.listener("web", port: 99999)))
        let commit = try repo.commit("json")
        let result = try SkiffBinary.run(["validate", "--output", "json"], in: repo.path)
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["format_version"] as? String == "1.0")
        #expect(object["valid"] as? Bool == false)
        #expect((object["source"] as? [String: Any]).flatMap { $0["commit"] as? [String: Any] }?["id"] as? String == commit)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?["line"] as? Int == 14)
        #expect(diagnostics.first?["path"] as? String == "spec.port")
    }

    @Test("a missing repository, ref or path is one clear line and exit 1")
    func sourceErrors() throws {
        let repo = try GitFixture()
        try repo.write("west/site.yaml", Fixtures.site("west"))
        try repo.commit("one")
        let cases: [([String], String)] = [
            (["validate", "--repo", "/no/such/place"], "Error: no git repository or folder at /no/such/place (check --repo: a path, or an https:// or ssh URL)\n"),
            (["validate", "--ref", "v9"], #"Error: revision "v9" not found in . (its branches: main); check --ref"# + "\n"),
            (["validate", "--path", "nowhere"], #"path "nowhere" does not exist in commit"#),
            (["validate", "--repo", "https://no-such-host.invalid/network.git"],
             "Error: cannot fetch https://no-such-host.invalid/network.git: the host no-such-host.invalid does not resolve\n"),
        ]
        for (arguments, message) in cases {
            let result = try SkiffBinary.run(arguments, in: repo.path)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        }
    }

    @Test("a clone that takes longer than a second prints its progress to stderr; stdout stays the report")
    func cloneProgress() throws {
        let repo = try GitFixture()
        try repo.write("network/west/site.yaml", Fixtures.site("west"))
        // 3 MiB nobody can compress, outside the network folder: only the transfer is slow.
        try Command.check("/bin/sh", ["-c", "head -c \(3 << 20) /dev/urandom > \(repo.path)/blob.bin"])
        try repo.commit("a site and a large blob")
        let gitPort = try FreePort.next()
        let parent = (repo.path as NSString).deletingLastPathComponent, name = (repo.path as NSString).lastPathComponent
        // git-daemon itself, not the `git daemon` wrapper, so that killing it stops the server.
        let daemon = try BackgroundProcess("/usr/lib/git-core/git-daemon", ["--reuseaddr", "--export-all", "--listen=127.0.0.1",
                                                            "--port=\(gitPort)", "--base-path=\(parent)", parent])
        defer { daemon.kill() }
        let proxy = try BackgroundProcess("/usr/bin/env", ["python3", TwoSitesPaths.root + "/Tests/Tools/slow_proxy.py", "\(gitPort)", "\(1 << 20)"])
        defer { proxy.kill() }
        let proxyPort = try #require(proxy.firstLine().flatMap { Int($0) })
        #expect(eventually { (try? Command.run("git", ["ls-remote", "git://127.0.0.1:\(gitPort)/\(name)"]).status) == 0 }, "git daemon serves")
        let cache = try TemporaryDirectory("skiff-cache")
        let url = "git://127.0.0.1:\(proxyPort)/\(name)"
        let result = try SkiffBinary.run(["validate", "--repo", url, "--path", "network"], environment: ["XDG_CACHE_HOME": cache.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("fetching \(url): "), "\(result.stderr)")
        #expect(result.stderr.contains(" objects, "), "\(result.stderr)")
        #expect(result.stderr.contains("fetched \(url) in "), "\(result.stderr)")
        #expect(!result.stdout.contains("fetching"), "progress never mixes into the report")
    }

    @Test("a state directory skiff may not write is one line naming the user, the folder, its owner and what to do")
    func permissionDenied() throws {
        let repo = try GitFixture()
        try repo.write("west/site.yaml", Fixtures.site("west"))
        try repo.commit("one")
        let parent = try TemporaryDirectory("skiff-readonly")
        // Root writes anywhere: the check runs as nobody then (setpriv, util-linux); others as themselves.
        let asRoot = Unprivileged.isRoot
        if asRoot {
            chmod(parent.path, 0o755)
        } else {
            chmod(parent.path, 0o500)
        }
        defer { chmod(parent.path, 0o700) }
        let skiff = ["apply", "--site", "west", "--repo", repo.path, "--state-dir", parent.path + "/west"]
        let result = asRoot
            ? try Unprivileged.run([SkiffBinary.path] + skiff)
            : try SkiffBinary.run(skiff)
        let user = asRoot ? "nobody" : String(cString: getpwuid(getuid()).pointee.pw_name)
        let owner = asRoot ? "root" : user
        #expect(result.status == 1)
        #expect(result.stderr == "Error: cannot lock site west: cannot create \(parent.path)/west: permission denied: user \(user) cannot write in "
            + "\(parent.path.replacingOccurrences(of: "//", with: "/")) (owned by \(owner), mode 0\(asRoot ? "755" : "500")); pick a --state-dir that \(user) may write, or run skiff as \(owner)\n",
            "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: parent.path + "/west"), "nothing was written")
    }
}
