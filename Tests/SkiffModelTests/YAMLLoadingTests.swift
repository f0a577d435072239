import SkiffModel
import SkiffTestSupport
import Testing

@Suite("YAML loading: documents, syntax errors and hostile input")
struct YAMLLoadingTests {
    @Test("multi-document files, empty documents and comments; .yaml and .yml; other files ignored")
    func documents() throws {
        let text = "# leading comment\n---\n" + Fixtures.site("west") + "\n---\n# only a comment\n---\n" + Fixtures.listener("a", port: 1) + "\n---\n"
        let (network, diagnostics) = load([
            ("west/site.yaml", text),
            ("west/more.yml", Fixtures.connector("a", port: 2)),
            ("west/README.md", "not: [yaml"),
            ("west/notes.txt", "{{{"),
        ])
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(try #require(network.sites["west"]).resources.map(\.id.description) == ["Site/west", "Connector/a", "Listener/a"])
    }

    @Test("a syntax error names its line and column and keeps the documents before it")
    func syntaxError() {
        let text = Fixtures.site("west") + "\n---\napiVersion: skupper.io/v2alpha1\nkind: Listener\nspec: [unclosed\n"
        let (network, diagnostics) = load([("west/site.yaml", text)])
        #expect(diagnostics.errors.count == 1)
        let first = diagnostics.errors.first?.description ?? ""
        #expect(first.hasPrefix("west/site.yaml:10:1: invalid YAML:"), "\(first)")
        #expect(network.sites["west"]?.site != nil)
    }

    @Test("base-60 integers are read as YAML 1.1 reads them; one too large for an Int is an error, not a crash")
    func sexagesimal() throws {
        let small = Fixtures.site("west") + "\n---\n" + Fixtures.listener("a", port: 1).replacingOccurrences(of: "port: 1", with: "port: 2:20")
        let (network, diagnostics) = load([("west/site.yaml", small)])
        #expect(diagnostics.errors.isEmpty, "\(diagnostics)")
        #expect(network.sites["west"]?.resources.last?.spec["port"]?.intValue == 140)
        // The fuzzer's find: Yams's own conversion overflows and traps on this.
        let huge = small.replacingOccurrences(of: "port: 2:20", with: "port: 1:2:2:2:2:2:2:2:2:2:2:2:2")
        let (_, errors) = load([("west/site.yaml", huge)])
        #expect(errors.errors.map(\.description).contains { $0.contains("spec.port") }, "\(errors)")
    }

    @Test("duplicate keys in one mapping are an error")
    func duplicateKeys() {
        let text = "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\n  name: east\n"
        let (_, diagnostics) = load([("west/site.yaml", text)])
        #expect(lines(diagnostics.errors).contains { $0.contains(#"duplicate key "name""#) && $0.hasPrefix("west/site.yaml:") })
    }

    @Test("billion laughs is refused before it expands")
    func billionLaughs() {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        let letters = Array("bcdefghi")
        var previous = "a"
        for letter in letters {
            text += "\(letter): &\(letter) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = String(letter)
        }
        #expect(text.utf8.count < 1000)
        let (documents, diagnostics) = YAMLDocumentLoader.load(Array(text.utf8), file: "west/lol.yaml")
        #expect(documents.isEmpty)
        #expect(diagnostics.first?.description.contains("more than 32 aliases") == true, "\(diagnostics)")
    }

    @Test("aliases under the cap still cannot expand past the node budget")
    func aliasExpansionBudget() {
        // 8 levels of doubling: 30 alias references, 2^16 nodes when expanded.
        var text = "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\n  labels: {}\nstatus:\n  l0: &l0 [x, x, x, x]\n"
        for level in 1...15 { text += "  l\(level): &l\(level) [*l\(level - 1), *l\(level - 1)]\n" }
        let limits = YAMLLimits(maxFileBytes: 1 << 20, maxDepth: 64, maxAliases: 32, maxNodes: 10_000)
        let (_, diagnostics) = load([("west/site.yaml", text)], limits: limits)
        #expect(lines(diagnostics.errors).contains { $0.contains("too many nodes") }, "\(diagnostics)")
    }

    @Test("deep nesting is refused, block or flow", arguments: [
        String(repeating: "[", count: 5000),
        (0..<200).map { String(repeating: " ", count: $0) + "k\($0):\n" }.joined(),
        String(repeating: "- ", count: 3000) + "x\n",
    ])
    func deepNesting(text: String) {
        let (documents, diagnostics) = YAMLDocumentLoader.load(Array(text.utf8), file: "west/deep.yaml")
        #expect(documents.isEmpty)
        #expect(diagnostics.first?.message.contains("nesting deeper than 64 levels") == true, "\(diagnostics)")
    }

    @Test("ordinary files with block scalars, quotes and comments are not mistaken for hostile ones")
    func noFalsePositives() {
        let pem = (0..<40).map { _ in "    MIIBszCCAVmgAwIBAgIUQ*[{*&*x" }.joined(separator: "\n")
        let text = """
            apiVersion: skupper.io/v2alpha1
            kind: AccessToken   # a comment with * and [ [ [
            metadata:
              name: t
              annotations:
                note: "quoted * and [ and { ["
                other: 'it''s * ['
            spec:
              url: https://west:8443/
              code: abc
              ca: |
            \(pem)
            """
        let (_, diagnostics) = load([("east/token.yaml", Fixtures.site("east") + "\n---\n" + text + "\n")])
        #expect(diagnostics.errors.isEmpty, "\(diagnostics)")
    }

    @Test("files over the size cap and invalid UTF-8 are refused with the file named")
    func sizeAndEncoding() {
        let big = String(repeating: "#", count: 2_000)
        let limits = YAMLLimits(maxFileBytes: 1_000, maxDepth: 64, maxAliases: 32, maxNodes: 1_000)
        let (_, tooBig) = YAMLDocumentLoader.load(Array(big.utf8), file: "west/big.yaml", limits: limits)
        #expect(tooBig.map(\.description) == ["west/big.yaml: file is 2000 bytes; the limit is 1000"])
        let (_, garbage) = YAMLDocumentLoader.load([0x6b, 0x3a, 0x20, 0xff, 0xfe], file: "west/bin.yaml")
        #expect(garbage.map(\.description) == ["west/bin.yaml: not valid UTF-8 text"])
    }
}
