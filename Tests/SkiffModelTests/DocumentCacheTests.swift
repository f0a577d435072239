import Foundation
@testable import SkiffModel
import SkiffTestSupport
import Testing

/// Reading document by document through a shared cache (`plan --base`) must give exactly what
/// reading each file whole gives — every resource, location and finding — only faster.
@Suite("Documents read once across commits")
struct DocumentCacheTests {
    static let skupperCorpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Corpus/skupper-v2"

    /// Every YAML file under the corpus, each placed in a site folder named after its own folder.
    static func corpusFiles() throws -> [NetworkFile] {
        let root = skupperCorpus
        let paths = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") } ?? []
        return try paths.sorted().map { path in
            let site = path.split(separator: "/").dropLast().joined(separator: "-").lowercased()
            let name = path.split(separator: "/").last!
            return NetworkFile(path: "\(site.isEmpty ? "root" : site)/\(name)", bytes: Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + path))))
        }
    }

    /// Files that exercise every path: several documents, comments between them, a document with
    /// errors, a Secret, a non-Skupper document, an empty document, CRLF line ends, a `---` with
    /// content on its line, a directive (read whole), and YAML that does not parse (read whole).
    static let handWritten: [NetworkFile] = [
        ("west/site.yaml", Fixtures.file(Fixtures.site("west"), Fixtures.listener("a", port: 1), Fixtures.listener("b", port: 70000))),
        ("west/more.yaml", "# leading comment\n---\n" + Fixtures.connector("a", port: 2) + "\n---\n# only a comment\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n---\n"),
        ("west/crlf.yaml", Fixtures.listener("c", port: 3).replacingOccurrences(of: "\n", with: "\r\n")),
        ("west/inline.yaml", "--- {apiVersion: skupper.io/v2alpha1, kind: Listener, metadata: {name: d}, spec: {routingKey: d, host: 127.0.0.1, port: 4}}\n"),
        ("east/directive.yaml", "%YAML 1.2\n---\n" + Fixtures.site("east") + "\n"),
        ("east/broken.yaml", Fixtures.connector("e", port: 5) + "\n---\nkind: [unclosed\n"),
        ("east/dup.yaml", Fixtures.listener("f", port: 6) + "\n  port: 7\n"),
    ].map { NetworkFile(path: $0.0, bytes: Array($0.1.utf8)) }

    @Test("with a cache, the corpus and hand-written files load exactly as without one, twice over")
    func sameResult() throws {
        for files in [try Self.corpusFiles(), Self.handWritten] {
            let (plain, plainDiagnostics) = Network.load(files)
            let cache = DocumentCache()
            for _ in 0..<2 {
                let (cached, cachedDiagnostics) = Network.load(files, cache: cache)
                #expect(cached == plain)
                #expect(cachedDiagnostics == plainDiagnostics)
            }
            #expect(cache.statistics.hits > 0)
        }
    }

    @Test("a document moved down the file is read from the cache, its lines and its findings moved with it")
    func moved() {
        let document = Fixtures.listener("b", port: 70000)
        let before = [NetworkFile(path: "west/a.yaml", bytes: Array(Fixtures.file(Fixtures.site("west"), document).utf8))]
        let after = [NetworkFile(path: "west/a.yaml", bytes: Array(Fixtures.file(Fixtures.site("west"), Fixtures.listener("new", port: 9), document).utf8))]
        let cache = DocumentCache()
        _ = Network.load(before, cache: cache)
        let misses = cache.statistics.misses
        let (network, diagnostics) = Network.load(after, cache: cache)
        #expect(cache.statistics.misses == misses + 1, "only the new document is read")
        let (expected, expectedDiagnostics) = Network.load(after)
        #expect(network == expected)
        #expect(diagnostics == expectedDiagnostics)
        #expect(lines(diagnostics).contains { $0.hasPrefix("west/a.yaml:23:") }, "\(lines(diagnostics))")
    }

    @Test("documents split at their --- lines only, and not at all with directives or ... markers")
    func split() {
        func cut(_ text: String) -> [String]? {
            let bytes = Array(text.utf8)
            return YAMLDocumentSplit.chunks(bytes)?.map { String(decoding: bytes[$0.range], as: UTF8.self) }
        }
        #expect(cut("a: 1\n---\nb: 2\n--- c\n---\td: 4\n") == ["a: 1\n", "---\nb: 2\n", "--- c\n", "---\td: 4\n"])
        #expect(cut("a: |\n  ---\n  text\n----\nb: ---\n") == ["a: |\n  ---\n  text\n----\nb: ---\n"])
        #expect(cut("---\r\na: 1\r\n---\r\nb: 2\r\n") == ["---\r\na: 1\r\n", "---\r\nb: 2\r\n"])
        #expect(cut("%YAML 1.2\n---\na: 1\n") == nil)
        #expect(cut("a: 1\n...\n---\nb: 2\n") == nil)
        #expect(cut("") == [""])
        #expect(YAMLDocumentSplit.chunks(Array("x\n---\ny\n".utf8))?.map(\.lineOffset) == [0, 1])
    }
}
