import Foundation
import SkiffTestSupport
import Testing

@Suite("skiff plan, as a user and a CI pipeline run it")
struct PlanCommandTests {
    /// A repository with two commits: the second moves west's listener and adds one at east.
    static func twoCommits() throws -> GitFixture {
        let repo = try GitFixture()
        try repo.write("network/west/site.yaml", Fixtures.file(Fixtures.site("west"), Fixtures.listener("web", port: 8080)))
        try repo.write("network/east/site.yaml", Fixtures.file(Fixtures.site("east"), Fixtures.connector("web", port: 9090)))
        try repo.commit("base")
        try repo.write("network/west/site.yaml", Fixtures.file(Fixtures.site("west"), Fixtures.listener("web", port: 8081)))
        try repo.write("network/east/more.yaml", Fixtures.connector("api", port: 9091))
        try repo.commit("head")
        return repo
    }

    @Test("a site plan from an empty state directory creates everything; --detailed-exitcode exits 2")
    func sitePlan() throws {
        let repo = try Self.twoCommits()
        let state = try TemporaryDirectory()
        let result = try SkiffBinary.run(["plan", "--site", "west", "--path", "network", "--state-dir", state.path + "/west",
                                          "--detailed-exitcode"], in: repo.path)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stdout.contains("  + create Site/west (added in git)"))
        #expect(result.stdout.contains("  + create Listener/web (added in git)"))
        #expect(result.stdout.contains("  + create Certificate/site-ca (missing)"))
        #expect(result.stdout.contains("  + create Router/west (not running)"))
        #expect(result.stdout.contains("Plan: 4 to create, 0 to update, 0 to delete."))
        #expect(!FileManager.default.fileExists(atPath: state.path + "/west"), "plan never writes state")
        let plain = try SkiffBinary.run(["plan", "--site", "west", "--path", "network", "--state-dir", state.path + "/west"], in: repo.path)
        #expect(plain.status == 0, "without --detailed-exitcode, changes exit 0")
    }

    @Test("a site plan against a recorded live state shows updates and prunes; JSON makes deletes easy to find")
    func siteAgainstRecord() throws {
        let repo = try Self.twoCommits()
        let state = try TemporaryDirectory()
        let record = """
            {"format_version": 1, "site": "east", "commit": null, "applied_at": "2026-01-01T00:00:00Z", "resources": [
              {"kind": "Site", "name": "east", "spec": {}},
              {"kind": "Connector", "name": "web", "spec": {"routingKey": "web", "host": "127.0.0.1", "port": 9000, "type": "tcp"}},
              {"kind": "Listener", "name": "old", "spec": {"routingKey": "old", "host": "127.0.0.1", "port": 1, "type": "tcp"}}
            ]}
            """
        try state.write("records/applied.json", record)
        let text = try SkiffBinary.run(["plan", "--site", "east", "--path", "network", "--state-dir", state.path, "--detailed-exitcode"], in: repo.path)
        #expect(text.status == 2)
        #expect(text.stdout.contains("  + create Connector/api (added in git)"))
        #expect(text.stdout.contains("  ~ update Connector/web (changed in git: port 9000 → 9090)"))
        #expect(text.stdout.contains("  - delete Listener/old (pruned: no longer in git)"))
        #expect(text.stdout.contains("Plan: 3 to create, 1 to update, 1 to delete."), "the site CA and the router are created too")

        let json = try SkiffBinary.run(["plan", "--site", "east", "--path", "network", "--state-dir", state.path, "--output", "json"], in: repo.path)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["format_version"] as? String == "1.0")
        #expect(object["site"] as? String == "east")
        let actions = try #require(object["actions"] as? [[String: Any]])
        #expect(actions.filter { $0["action"] as? String == "delete" }.map { $0["name"] as? String } == ["old"])
        let update = try #require(actions.first { $0["action"] as? String == "update" })
        let change = try #require((update["changes"] as? [[String: Any]])?.first)
        #expect(change["field"] as? String == "spec.port" && change["before"] as? Int == 9000 && change["after"] as? Int == 9090)
    }

    @Test("CI mode compares two commits, site by site, with no live state")
    func changePlan() throws {
        let repo = try Self.twoCommits()
        let result = try SkiffBinary.run(["plan", "--base", "HEAD~1", "--path", "network", "--detailed-exitcode"], in: repo.path)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stdout.contains("Site east:\n  + create Connector/api (added)"))
        #expect(result.stdout.contains("Site west:\n  ~ update Listener/web (changed: port 8080 → 8081)"))
        #expect(result.stdout.contains("Plan: 1 to create, 1 to update, 0 to delete, across 2 sites."))

        let same = try SkiffBinary.run(["plan", "--base", "HEAD", "--path", "network", "--detailed-exitcode"], in: repo.path)
        #expect(same.status == 0)
        #expect(same.stdout.contains("No changes to the network."))

        let markdown = try SkiffBinary.run(["plan", "--base", "HEAD~1", "--path", "network", "--output", "markdown"], in: repo.path)
        #expect(markdown.stdout.contains("| update | `Listener/web` | changed: port 8080 → 8081 |"))
        #expect(markdown.stdout.hasPrefix("### Skiff plan: `"))

        let json = try SkiffBinary.run(["plan", "--base", "HEAD~1", "--path", "network", "--output", "json"], in: repo.path)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary == ["create": 1, "update": 1, "delete": 0])
        #expect((object["sites"] as? [[String: Any]])?.compactMap { $0["site"] as? String } == ["east", "west"])
    }

    @Test("CI mode on a head that does not validate: errors listed, broken sites not planned, exit 1")
    func invalidHead() throws {
        let repo = try Self.twoCommits()
        try repo.write("network/west/site.yaml", Fixtures.file(Fixtures.site("west"), Fixtures.listener("web", port: 0)))
        try repo.commit("break west")
        let result = try SkiffBinary.run(["plan", "--base", "HEAD~1", "--path", "network", "--detailed-exitcode"], in: repo.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("Site west: not planned; its files have errors"))
        #expect(result.stdout.contains("west/site.yaml:14:9: spec.port: expected an integer 1-65535, got 0"))
        #expect(!result.stdout.contains("delete Listener/web"), "an invalid resource is not planned as a delete")
    }

    @Test("usage errors exit 1 with a message; --help exits 0", arguments: [
        (["plan"], "give --site SITE to plan a site, or --base REV"),
        (["plan", "--site", "a", "--base", "b"], "--site and --base are exclusive"),
        (["plan", "--site", "a", "--output", "markdown"], "--output markdown needs --base"),
        (["plan", "--base", "b", "--state-dir", "/tmp/x"], "--state-dir needs --site"),
        (["plan", "--site", "a", "--output", "yaml"], "yaml"),
        (["validate", "--output", "markdown"], "The value 'markdown' is invalid for '--output <format>'. Please provide one of 'text' and 'json'."),
        (["status", "--site", "a", "--output", "markdown"], "Please provide one of 'text' and 'json'."),
        (["daemon", "--site", "a", "--http", "127.0.0.1:70000"], "--http expects HOST:PORT with a port from 1 to 65535, got \"127.0.0.1:70000\""),
        (["daemon", "--site", "a", "--http", ":8080"], "--http expects HOST:PORT"),
        (["daemon", "--site", "a", "--log-level", "loud"], "The value 'loud' is invalid for '--log-level <level>'"),
        (["router", "--site", "a", "--log-level", "verbose"], "The value 'verbose' is invalid for '--log-level <level>'"),
        (["apply", "--site", "a", "--lock-timeout=-1s"], "--lock-timeout expects a duration"),
        (["token", "issue", "g", "--site", "a", "--name", "../../etc"], #"--name: "../../etc" is not a lowercase name"#),
        (["token", "issue", "Grant", "--site", "a"], #"the grant: "Grant" is not a lowercase name"#),
        (["frobnicate"], "Unexpected argument 'frobnicate'"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let result = try SkiffBinary.run(arguments)
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("every command has --help", arguments: [[], ["validate"], ["plan"], ["apply"], ["daemon"], ["status"], ["stop"], ["router"], ["revoke-access"], ["schema"], ["token"], ["token", "issue"], ["token", "redeem"],
                                                 ["link"], ["link", "generate"], ["link", "apply"], ["site"], ["listener"], ["connector"], ["grant"]])
    func help(command: [String]) throws {
        let result = try SkiffBinary.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: skiff"))
        #expect(result.stdout.contains("OVERVIEW:"))
    }

    @Test("--help lists only the values a command takes", arguments: [
        (["status"], "(values: text, json; default: text)"),
        (["validate"], "(values: text, json; default: text)"),
        (["plan"], "(values: text, json, markdown; default: text)"),
        (["daemon"], "(values: trace, debug, info, notice, warning, error, critical; default: info)"),
    ])
    func helpValues(command: [String], values: String) throws {
        let result = try SkiffBinary.run(command + ["--help"])
        let words = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains(values), "\(result.stdout)")
    }

    @Test("status of a site never applied exits 1 saying so, and creates nothing")
    func statusWithoutState() throws {
        let missing = NSTemporaryDirectory() + "skiff-never-applied-\(UUID().uuidString)"
        let result = try SkiffBinary.run(["status", "--site", "west", "--state-dir", missing])
        #expect(result.status == 1)
        #expect(result.stderr.trimmingCharacters(in: .newlines) == "Error: site west has no state directory at \(missing): it was never applied "
            + "(`skiff apply --site west`), or --state-dir points elsewhere")
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test("a site with no folder in the repository is a clear error")
    func unknownSite() throws {
        let repo = try Self.twoCommits()
        let result = try SkiffBinary.run(["plan", "--site", "south", "--path", "network", "--state-dir", "/tmp/unused-skiff"], in: repo.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains(#"site "south" is not in commit"#) && result.stderr.contains("its sites are east, west"))
    }

    @Test("skiff schema prints the contract of a kind, byte for byte")
    func schema() throws {
        let result = try SkiffBinary.run(["schema", "listener"])
        #expect(result.status == 0)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        #expect(result.stdout == (try String(contentsOfFile: root + "/Schemas/listener.schema.json", encoding: .utf8)))
    }
}
