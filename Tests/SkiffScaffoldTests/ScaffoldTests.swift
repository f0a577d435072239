import SkiffModel
import SkiffScaffold
import SkiffTestSupport
import Testing

/// The pure tier: plans over in-memory files, no disk, no git.
@Suite("Scaffold: what create and delete would change")
struct ScaffoldTests {
    static let site = Fixtures.file(Fixtures.site("west"))

    func scaffold(_ files: [String: String]) -> Scaffold {
        Scaffold(files: files.mapValues { Array($0.utf8) })
    }

    func text(_ change: FileChange?) -> String? { change?.new.map { String(decoding: $0, as: UTF8.self) } }

    @Test("a new listener goes to its own file, with Skupper's defaults and the schema line; it validates")
    func createListener() throws {
        let changes = try scaffold(["west/site.yaml": Self.site])
            .create([try .service(.listener, "backend", port: 8080, routingKey: nil, host: "0.0.0.0", type: "tcp")], site: "west", force: false)
        #expect(changes.map(\.path) == ["west/listener-backend.yaml"])
        let written = try #require(text(changes.first))
        #expect(written.hasPrefix("# yaml-language-server: $schema=../.skiff/schemas/listener.schema.json\n"))
        #expect(written.contains("routingKey: backend\n  host: 0.0.0.0\n  port: 8080\n"))
        let (network, diagnostics) = Network.load([NetworkFile(path: "west/site.yaml", bytes: Array(Self.site.utf8)),
                                                   NetworkFile(path: "west/listener-backend.yaml", bytes: Array(written.utf8))])
        #expect(diagnostics.errors.isEmpty, "\(diagnostics)")
        #expect(network.sites["west"]?.resources(of: .listener).first?.spec["port"]?.intValue == 8080)
    }

    @Test("strings that would read as numbers or booleans are quoted")
    func quoting() throws {
        let draft = try ResourceDraft.service(.listener, "web", port: 80, routingKey: "8080", host: "yes", type: "tcp")
        let yaml = try draft.yaml(schemaLocation: nil)
        #expect(yaml.contains("routingKey: '8080'") && yaml.contains("host: 'yes'"), "\(yaml)")
    }

    @Test("--tls-credentials writes spec.tlsCredentials, as Skupper's listener and connector create do")
    func tlsCredentials() throws {
        let yaml = try ResourceDraft.service(.connector, "db", port: 5432, routingKey: nil, host: "db.internal", type: "tcp",
                                             tlsCredentials: "db-ca").yaml(schemaLocation: nil)
        #expect(yaml.contains("tlsCredentials: db-ca"), "\(yaml)")
        #expect(!(try ResourceDraft.service(.listener, "web", port: 80, routingKey: nil, host: "0.0.0.0", type: "tcp").yaml(schemaLocation: nil))
            .contains("tlsCredentials"))
    }

    @Test("an existing resource is refused, naming where it is; --force replaces it in its own file, other documents kept byte for byte")
    func existing() throws {
        let shared = Fixtures.file(Fixtures.site("west"), "# the API\n" + Fixtures.listener("api", port: 9000), Fixtures.listener("web", port: 8080))
        let plan = scaffold(["west/all.yaml": shared])
        let draft = try ResourceDraft.service(.listener, "api", port: 9100, routingKey: nil, host: "127.0.0.1", type: "tcp")
        #expect(throws: ScaffoldError.exists(ResourceID(kind: .listener, name: "api"), site: "west", at: SourceLocation(file: "west/all.yaml", line: 8, column: 1))) {
            try plan.create([draft], site: "west", force: false)
        }
        let changes = try plan.create([draft], site: "west", force: true)
        #expect(changes.map(\.path) == ["west/all.yaml", "west/listener-api.yaml"])
        let rest = try #require(text(changes.first))
        #expect(rest == Fixtures.file(Fixtures.site("west"), Fixtures.listener("web", port: 8080)))
        #expect(try #require(text(changes.last)).contains("port: 9100"))
    }

    @Test("a change that would not validate writes nothing and says why")
    func wouldNotValidate() throws {
        let plan = scaffold(["west/site.yaml": Fixtures.file(Fixtures.site("west"), Fixtures.listener("web", port: 8080))])
        let clash = try ResourceDraft.service(.listener, "other", port: 8080, routingKey: nil, host: "127.0.0.1", type: "tcp")
        #expect { try plan.create([clash], site: "west", force: false) } throws: { error in
            "\(error)".contains("would not validate") && "\(error)".contains("127.0.0.1:8080 is already used by Listener/")
        }
    }

    @Test("a resource for a site that has no folder is refused, saying how to make one")
    func noSite() throws {
        let draft = try ResourceDraft.service(.connector, "db", port: 5432, routingKey: nil, host: "127.0.0.1", type: "tcp")
        #expect(throws: ScaffoldError.noSite("east", networkPath: ".")) { try scaffold([:]).create([draft], site: "east", force: false) }
        #expect(throws: ScaffoldError.self) { try ResourceDraft.service(.connector, "DB_1", port: 1, routingKey: nil, host: "h", type: "tcp") }
    }

    @Test("delete cuts one document out of a shared file, keeps the rest as written, and removes a file left empty")
    func delete() throws {
        let shared = "# header\n" + Fixtures.file(Fixtures.site("west"), Fixtures.listener("api", port: 9000), Fixtures.listener("web", port: 8080))
        let plan = scaffold(["west/all.yaml": shared, "west/db.yaml": Fixtures.file(Fixtures.connector("db", port: 5432))])
        let cut = try plan.delete(ResourceID(kind: .listener, name: "api"), site: "west")
        #expect(text(cut.first) == "# header\n" + Fixtures.file(Fixtures.site("west"), Fixtures.listener("web", port: 8080)))
        let removed = try plan.delete(ResourceID(kind: .connector, name: "db"), site: "west")
        #expect(removed.count == 1 && removed[0].path == "west/db.yaml" && removed[0].new == nil)
        #expect(throws: ScaffoldError.notFound(ResourceID(kind: .accessGrant, name: "x"), site: "west")) {
            try plan.delete(ResourceID(kind: .accessGrant, name: "x"), site: "west")
        }
    }

    @Test("deleting a site removes its Skupper documents and keeps an application's manifest")
    func deleteSite() throws {
        let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
        let plan = scaffold(["west/site.yaml": Self.site, "west/app.yaml": Fixtures.file(Fixtures.listener("web", port: 80)) + "---\n" + deployment,
                             "east/site.yaml": Fixtures.file(Fixtures.site("east"))])
        let changes = try plan.deleteSite("west")
        #expect(changes.map(\.path) == ["west/app.yaml", "west/site.yaml"])
        #expect(text(changes[0]) == "---\n" + deployment)
        #expect(changes[1].new == nil)
    }
}
