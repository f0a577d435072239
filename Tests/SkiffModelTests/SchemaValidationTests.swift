import SkiffModel
import SkiffTestSupport
import Testing

@Suite("Schema validation: every error with file, line, column, field and expectation")
struct SchemaValidationTests {
    @Test("a port that is not a number names file:line:col, field, range and the bad value")
    func badPort() {
        let text = Fixtures.file(Fixtures.site("west"), """
            apiVersion: skupper.io/v2alpha1
            kind: Listener
            metadata:
              name: backend
            spec:
              routingKey: backend
              host: 127.0.0.1
              port: "80a"
            """)
        let (_, diagnostics) = load([("west/listeners.yaml", text)])
        #expect(lines(diagnostics.errors) == [#"west/listeners.yaml:14:9: spec.port: expected an integer 1-65535, got "80a""#])
    }

    @Test("an unknown field close to a known one gets a suggestion; a far one lists the fields")
    func unknownFields() {
        let text = Fixtures.file(Fixtures.site("west"), """
            apiVersion: skupper.io/v2alpha1
            kind: Connector
            metadata:
              name: db
            spec:
              routingkey: db
              host: 127.0.0.1
              port: 5432
              flavour: sweet
            """)
        let (_, diagnostics) = load([("west/db.yaml", text)])
        let found = lines(diagnostics.errors)
        #expect(found.contains("west/db.yaml:12:3: spec.routingkey: unknown field; did you mean routingKey?"))
        #expect(found.contains { $0.hasPrefix("west/db.yaml:15:3: spec.flavour: unknown field; expected one of: exposePodsByName, host,") })
        #expect(found.contains("west/db.yaml:12:3: spec.routingKey: required field is missing"))
        #expect(found.count == 3, "every error of the file is reported: \(found)")
    }

    @Test("errors in several documents of one file are all reported, in order")
    func allErrorsOfAFile() {
        let text = Fixtures.file(
            Fixtures.site("west"),
            Fixtures.listener("a", port: 0),
            Fixtures.listener("b", port: 70000),
            "apiVersion: skupper.io/v2alpha1\nkind: Lisener\nmetadata:\n  name: c\n")
        let (network, diagnostics) = load([("west/many.yaml", text)])
        #expect(lines(diagnostics.errors) == [
            "west/many.yaml:14:9: spec.port: expected an integer 1-65535, got 0",
            "west/many.yaml:23:9: spec.port: expected an integer 1-65535, got 70000",
            #"west/many.yaml:26:7: kind: unknown kind "Lisener"; did you mean Listener?"#,
        ])
        #expect(network.sites["west"]?.resources.count == 1, "only the valid Site is kept")
    }

    @Test("wrong apiVersion, missing metadata.name and a non-mapping document")
    func structuralErrors() {
        let text = Fixtures.file(
            "apiVersion: skupper.io/v1\nkind: Site\nmetadata:\n  name: west\n",
            "apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata: {}\nspec: {routingKey: a, host: h, port: 1}\n",
            "- just\n- a list\n")
        let (_, diagnostics) = load([("west/site.yaml", text)])
        let found = lines(diagnostics.errors)
        #expect(found.contains(#"west/site.yaml:1:13: apiVersion: expected "skupper.io/v2alpha1", got "skupper.io/v1""#))
        #expect(found.contains("west/site.yaml:9:11: metadata.name: required field is missing"))
        #expect(found.contains("west/site.yaml:13:1: expected a resource (a mapping with apiVersion, kind, metadata and spec)"))
    }

    @Test("enum, pattern, boolean and list types say what they expect")
    func expectations() {
        let text = Fixtures.file(
            "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: West_1\nspec:\n  edge: maybe\n",
            "apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata:\n  name: l\nspec: {routingKey: a, host: h, port: 1, type: udp}\n",
            "apiVersion: skupper.io/v2alpha1\nkind: AccessGrant\nmetadata:\n  name: g\nspec:\n  expirationWindow: soon\n",
            "apiVersion: skupper.io/v2alpha1\nkind: Link\nmetadata:\n  name: k\nspec:\n  endpoints: []\n")
        let (_, diagnostics) = load([("west/site.yaml", text)])
        let found = lines(diagnostics.errors)
        #expect(found.contains { $0.hasPrefix(#"west/site.yaml:4:9: metadata.name: expected a lowercase name"#) && $0.hasSuffix(#"got "West_1""#) })
        #expect(found.contains(#"west/site.yaml:6:9: spec.edge: expected true or false, got "maybe""#))
        #expect(found.contains(#"west/site.yaml:13:47: spec.type: expected one of: "tcp", got "udp""#))
        #expect(found.contains(#"west/site.yaml:21:21: spec.expirationWindow: expected a duration such as 15m, 1h or 1h30m, got "soon""#))
        #expect(found.contains("west/site.yaml:29:14: spec.endpoints: must have at least one item"))
    }

    @Test("a secret value is never echoed in an error")
    func secretsAreNotEchoed() {
        let text = Fixtures.file(Fixtures.site("east"), """
            apiVersion: skupper.io/v2alpha1
            kind: AccessToken
            metadata:
              name: t
            spec:
              url: https://west.example.com:8443/grants/1
              code: [hunter2-secret]
              ca: x
            """)
        let (_, diagnostics) = load([("east/token.yaml", text)])
        #expect(lines(diagnostics.errors) == ["east/token.yaml:13:9: spec.code: expected a string, got a value that is not shown (secret)"])
        #expect(!diagnostics.description.contains("hunter2"))
    }

    @Test("defaults from the schemas are filled in")
    func defaults() throws {
        let text = Fixtures.file(
            Fixtures.site("west"),
            "apiVersion: skupper.io/v2alpha1\nkind: AccessGrant\nmetadata:\n  name: g\n",
            Fixtures.link("l"),
            Fixtures.listener("x", port: 80),
            "apiVersion: skupper.io/v2alpha1\nkind: RouterAccess\nmetadata:\n  name: r\nspec:\n  roles: [{name: inter-router}, {name: edge}]\n")
        let (network, diagnostics) = load([("west/all.yaml", text)])
        #expect(diagnostics.errors.isEmpty, "\(diagnostics)")
        let site = try #require(network.sites["west"])
        let grant = try #require(site.resources(of: .accessGrant).first)
        #expect(AccessGrantSpec(grant.spec).redemptionsAllowed == 1)
        #expect(AccessGrantSpec(grant.spec).expirationWindow == 900)
        #expect(grant.spec["expirationWindow"] == "15m")
        #expect(LinkSpec(try #require(site.resources(of: .link).first).spec).cost == 1)
        #expect(site.resources(of: .listener).first?.spec["type"] == "tcp")
        let access = RouterAccessSpec(try #require(site.resources(of: .routerAccess).first).spec)
        #expect(access.roles.map(\.port) == [55671, 45671])
    }

    @Test("link cost below 1 is refused", arguments: [0, -5])
    func linkCost(cost: Int) {
        let (_, diagnostics) = load([("west/site.yaml", Fixtures.file(Fixtures.site("west"), Fixtures.link("l", cost: cost)))])
        #expect(lines(diagnostics.errors).contains { $0.hasSuffix("spec.cost: expected an integer of at least 1, got \(cost)") })
    }

    @Test("Link endpoint ports may be strings (as Skupper writes them) or integers, but must be ports")
    func endpointPorts() {
        func errors(_ port: String) -> [String] {
            let link = "apiVersion: skupper.io/v2alpha1\nkind: Link\nmetadata:\n  name: l\nspec:\n  endpoints:\n    - host: h\n      port: \(port)\n"
            return lines(load([("west/site.yaml", Fixtures.file(Fixtures.site("west"), link))]).1.errors)
        }
        #expect(errors("\"55671\"").isEmpty)
        #expect(errors("55671").isEmpty)
        #expect(errors("\"http\"") == [#"west/site.yaml:14:13: spec.endpoints[0].port: expected a port number 1-65535, got "http""#])
        #expect(errors("0") == ["west/site.yaml:14:13: spec.endpoints[0].port: expected a port number 1-65535, got 0"])
    }
}
