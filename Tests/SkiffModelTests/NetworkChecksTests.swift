import SkiffModel
import SkiffTestSupport
import Testing

@Suite("Whole-network checks across site folders")
struct NetworkChecksTests {
    @Test("a site folder needs exactly one Site, named after the folder")
    func siteResource() {
        let (_, diagnostics) = load([
            ("west/site.yaml", Fixtures.file(Fixtures.site("west"), Fixtures.site("west"))),
            ("east/site.yaml", Fixtures.site("eats")),
            ("north/listener.yaml", Fixtures.listener("l", port: 1)),
        ])
        let found = lines(diagnostics.errors)
        #expect(found.contains { $0.hasPrefix("west/site.yaml:7:1: a second Site in folder west/") })
        #expect(found.contains(#"east/site.yaml:4:9: metadata.name: Site "eats" must be named after its folder, "east""#))
        #expect(found.contains("north/: no Site resource; every site folder needs exactly one"))
    }

    @Test("files at the top level are refused; they belong to a site")
    func topLevelFiles() {
        let (_, diagnostics) = load([("listener.yaml", Fixtures.listener("l", port: 1)), ("README.md", "# hi")])
        #expect(lines(diagnostics) == ["listener.yaml: resources belong in a site folder (<site>/listener.yaml), not at the top level"])
    }

    @Test("duplicate names per kind within a site are errors; the same name in two kinds or two sites is fine")
    func duplicateNames() {
        let (_, diagnostics) = load([
            ("west/a.yaml", Fixtures.file(Fixtures.site("west"), Fixtures.listener("api", port: 1), Fixtures.connector("api", port: 2))),
            ("west/b.yaml", Fixtures.listener("api", port: 3)),
            ("east/a.yaml", Fixtures.file(Fixtures.site("east"), Fixtures.listener("api", port: 1))),
        ])
        #expect(lines(diagnostics.errors) == [
            "west/b.yaml:4:9: metadata.name: duplicate Listener/api in site west (first defined at west/a.yaml:7:1)",
        ])
    }

    @Test("two listeners on one host:port at a site clash")
    func listenerAddresses() {
        let (_, diagnostics) = load([("west/a.yaml", Fixtures.file(
            Fixtures.site("west"), Fixtures.listener("a", port: 8080), Fixtures.listener("b", port: 8080),
            Fixtures.listener("c", host: "0.0.0.0", port: 8080)))])
        #expect(lines(diagnostics.errors) == ["west/a.yaml:23:9: spec.port: 127.0.0.1:8080 is already used by Listener/a at west/a.yaml:7:1"])
    }

    @Test("an AccessToken issued by the site it is committed into is an error at its annotation: a site cannot link to itself")
    func selfLink() {
        let token = """
            apiVersion: skupper.io/v2alpha1
            kind: AccessToken
            metadata:
              name: loop
              annotations:
                skiff.io/granting-site: west
            spec:
              url: https://127.0.0.1:9090/v1/grants/x
              code: abc
              ca: x

            """
        let (_, diagnostics) = load([("west/site.yaml", Fixtures.site("west")), ("west/token.yaml", token),
                                     ("east/site.yaml", Fixtures.site("east")), ("east/token.yaml", token)])
        #expect(lines(diagnostics.errors) == [
            "west/token.yaml:6:29: metadata.annotations.skiff.io/granting-site: AccessToken loop was issued by site west itself; "
                + "a site cannot link to itself: commit it into the folder of the site that should link to west",
        ])
    }

    @Test("an edge site cannot offer link access")
    func edge() {
        let edgeSite = "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\nspec:\n  edge: true\n  linkAccess: default\n"
        let (_, diagnostics) = load([("west/site.yaml", Fixtures.file(edgeSite, Fixtures.routerAccess()))])
        let found = lines(diagnostics.errors)
        #expect(found.contains("west/site.yaml:7:15: spec.linkAccess: an edge site cannot offer link access; remove linkAccess or edge"))
        #expect(found.contains { $0.hasPrefix("west/site.yaml:10:1: an edge site cannot offer link access") })
    }

    @Test("warnings: a link endpoint nobody in the repo offers, a routing key nobody serves; --strict is the caller's choice")
    func warnings() {
        let (network, diagnostics) = load([
            ("west/a.yaml", Fixtures.file(Fixtures.site("west", linkAccess: "default"), Fixtures.routerAccess(host: "10.0.0.1", port: 55671),
                                          Fixtures.listener("db", port: 5432), Fixtures.listener("api", port: 8080))),
            ("east/a.yaml", Fixtures.file(Fixtures.site("east"), Fixtures.link("good", host: "10.0.0.1", port: 55671),
                                          Fixtures.link("elsewhere", host: "203.0.113.9", port: 55671), Fixtures.connector("api", port: 9090))),
        ])
        #expect(diagnostics.errors.isEmpty)
        #expect(lines(diagnostics.warnings) == [
            "east/a.yaml:24:7: warning: spec.endpoints[0]: no site in this repository offers link access at 203.0.113.9:55671 (fine if that site is managed elsewhere)",
            #"west/a.yaml:23:15: warning: spec.routingKey: no connector in this repository serves routing key "db""#,
        ])
        #expect(network.resourceCount == 8)
    }
}
