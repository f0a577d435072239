import Foundation
import SkiffTestSupport
import Testing

/// The create and delete verbs as a user runs them: real git repositories, checked with git and
/// Python's jsonschema.
@Suite("skiff site/listener/connector/grant create and delete")
struct ScaffoldCommandTests {
    static let tools = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Tools"

    /// A repository whose git knows the user (libgit2 reads the repository's config).
    func repository() throws -> GitFixture {
        let repo = try GitFixture()
        try repo.git("config", "user.name", "Ada Tester")
        try repo.git("config", "user.email", "ada@example.com")
        return repo
    }

    func skiff(_ arguments: [String], in repo: GitFixture) throws -> CommandResult {
        try SkiffBinary.run(arguments, in: repo.path, environment: ["HOME": repo.path, "GIT_CONFIG_NOSYSTEM": "1"])
    }

    @Test("the hello-world network from nothing, by commands: each commits its files only, every file validates (skiff and jsonschema)")
    func helloWorld() throws {
        let repo = try repository()
        let steps: [[String]] = [
            ["site", "create", "west", "--enable-link-access", "--bind-host", "127.0.0.1", "--subject-alternative-names", "127.0.0.1,localhost"],
            ["listener", "create", "backend", "8080", "--site", "west", "--host", "127.0.0.1"],
            ["grant", "create", "east-link", "--site", "west", "--expiration", "1h"],
            ["site", "create", "east"],
            ["connector", "create", "backend", "9090", "--site", "east", "-m", "east: the backend runs here"],
        ]
        for step in steps {
            let result = try skiff(step + ["--path", "network", "--commit"], in: repo)
            #expect(result.status == 0, "\(step): \(result.stderr)")
            #expect(result.stdout.contains("diff --git a/network/") && result.stdout.contains("Committed "), "\(result.stdout)")
        }
        #expect(try repo.git("status", "--porcelain").isEmpty, "every file written was committed")
        let subjects = try repo.git("log", "--format=%s").split(separator: "\n")
        #expect(subjects == [
            "east: the backend runs here", "skiff: create Site/east at east", "skiff: create AccessGrant/east-link at west",
            "skiff: create Listener/backend at west", "skiff: create Site/west, RouterAccess/skupper-router at west",
        ])
        #expect(try repo.git("log", "-1", "--format=%an <%ae>") == "Ada Tester <ada@example.com>")
        #expect(try repo.git("show", "--stat", "--format=", "HEAD") .contains("network/east/connector-backend.yaml"))
        let validate = try skiff(["validate", "--path", "network", "--strict"], in: repo)
        #expect(validate.status == 0, "\(validate.stdout)")
        #expect(validate.stdout.contains("Valid: 2 sites, 6 resources; 0 errors, 0 warnings."), "\(validate.stdout)")
        let files = try repo.git("ls-files", "network/*.yaml").split(separator: "\n").map { "\(repo.path)/\($0)" }
        #expect(files.count == 6)
        let editor = try Command.run("python3", ["\(Self.tools)/schema_line_check.py"] + files)
        #expect(editor.status == 0, "\(editor.stdout)\(editor.stderr)")
        let grant = try String(contentsOfFile: "\(repo.path)/network/west/grant-east-link.yaml", encoding: .utf8)
        #expect(grant.contains("redemptionsAllowed: 1\n  expirationWindow: 1h\n"))
        let listener = try String(contentsOfFile: "\(repo.path)/network/west/listener-backend.yaml", encoding: .utf8)
        #expect(listener.contains("routingKey: backend"), "the routing key defaults to the name")
    }

    @Test("an existing resource is not overwritten without --force; a bad name or port writes nothing; --output yaml only prints")
    func refusals() throws {
        let repo = try repository()
        #expect(try skiff(["site", "create", "west", "--commit"], in: repo).status == 0)
        #expect(try skiff(["listener", "create", "web", "8080", "--site", "west", "--commit"], in: repo).status == 0)
        let path = "\(repo.path)/west/listener-web.yaml"
        let before = try String(contentsOfFile: path, encoding: .utf8)

        let again = try skiff(["listener", "create", "web", "9090", "--site", "west"], in: repo)
        #expect(again.status == 1)
        #expect(again.stderr.contains("Listener/web already exists at site west (west/listener-web.yaml:2:1); --force replaces it"), "\(again.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before)

        for (arguments, message) in [
            (["listener", "create", "Web_1", "80", "--site", "west"], #"invalid name "Web_1""#),
            (["listener", "create", "api", "70000", "--site", "west"], "port 70000 is not from 1 to 65535"),
            (["grant", "create", "g", "--site", "west", "--expiration", "soon"], "--expiration soon: not a duration"),
            (["connector", "create", "db", "5432", "--site", "east"], #"no site "east" under . (no folder east/ with a Site resource): create it first with skiff site create east"#),
            (["listener", "create", "other", "8080", "--site", "west", "--host", "0.0.0.0"], "would not validate"),
        ] {
            let result = try skiff(arguments, in: repo)
            #expect(result.status == 1 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try repo.git("status", "--porcelain").isEmpty, "nothing was written")

        let printed = try skiff(["connector", "create", "db", "5432", "--site", "west", "--output", "yaml"], in: repo)
        #expect(printed.status == 0)
        #expect(printed.stdout.hasPrefix("apiVersion: skupper.io/v2alpha1\nkind: Connector\nmetadata:\n  name: db\nspec:\n  routingKey: db\n  host: 127.0.0.1\n  port: 5432\n"), "\(printed.stdout)")
        #expect(try repo.git("status", "--porcelain").isEmpty, "--output writes nothing")

        // --force replaces it; the diff printed is one git itself applies.
        let forced = try skiff(["listener", "create", "web", "9090", "--site", "west", "--force"], in: repo)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.contains("-  port: 8080\n+  port: 9090"), "\(forced.stdout)")
        let patch = try repo.write("change.patch", forced.stdout.components(separatedBy: "\nWrote ")[0] + "\n")
        try repo.git("checkout", "--", "west/listener-web.yaml")
        try repo.git("apply", patch)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("port: 9090"))
    }

    @Test("--commit refuses other staged changes before writing; outside git it says so; delete removes and commits")
    func commitAndDelete() throws {
        let repo = try repository()
        #expect(try skiff(["site", "create", "west", "--commit"], in: repo).status == 0)
        try repo.write("README.md", "notes\n")
        try repo.git("add", "README.md")
        let refused = try skiff(["grant", "create", "g", "--site", "west", "--commit"], in: repo)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the index already holds staged changes (README.md); commit or unstage them first, or leave out --commit"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(repo.path)/west/grant-g.yaml"), "nothing written")
        try repo.git("commit", "-qm", "notes")

        #expect(try skiff(["grant", "create", "g", "--site", "west", "--commit"], in: repo).status == 0)
        let deleted = try skiff(["grant", "delete", "g", "--site", "west", "--commit"], in: repo)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.contains("deleted file mode 100644"), "\(deleted.stdout)")
        #expect(try repo.git("show", "--name-status", "--format=%s", "HEAD") == "skiff: delete AccessGrant/g at west\n\nD\twest/grant-g.yaml")
        let missing = try skiff(["listener", "delete", "nope", "--site", "west"], in: repo)
        #expect(missing.status == 1 && missing.stderr.contains("no Listener/nope at site west"))

        let site = try skiff(["site", "delete", "west", "--commit"], in: repo)
        #expect(site.status == 0, "\(site.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(repo.path)/west"), "the emptied folder is gone")
        #expect(try repo.git("ls-files", "west").isEmpty)

        let folder = try TemporaryDirectory()
        let plain = try SkiffBinary.run(["site", "create", "west", "--commit"], in: folder.path)
        #expect(plain.status == 1 && plain.stderr.contains("is not inside a git work tree; run git init, or leave out --commit"), "\(plain.stderr)")
        #expect(try SkiffBinary.run(["site", "create", "west"], in: folder.path).status == 0, "without --commit a plain folder is fine")
        #expect(FileManager.default.fileExists(atPath: "\(folder.path)/west/site.yaml"))
    }

    @Test("every verb has --help")
    func help() throws {
        for verb in [["site", "create"], ["site", "delete"], ["listener", "create"], ["listener", "delete"], ["connector", "create"],
                     ["connector", "delete"], ["grant", "create"], ["grant", "delete"]] {
            let result = try SkiffBinary.run(verb + ["--help"])
            #expect(result.status == 0 && result.stdout.contains("USAGE: skiff \(verb.joined(separator: " "))"), "\(verb)")
        }
    }
}
