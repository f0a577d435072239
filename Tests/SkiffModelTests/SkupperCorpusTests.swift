import Foundation
import SkiffModel
import Testing

/// Skupper's own published v2 YAML (Tests/Corpus/skupper-v2, origins in its README), each file held
/// to the verdict its expectations.json gives it.
@Suite("the Skupper corpus: every published v2 file loads, or is refused as its classification says")
struct SkupperCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Corpus/skupper-v2"

    struct Expectation: Decodable {
        var expect: String
        var message: String?
        /// For `invalid`: where Skupper says so too.
        var why: String?
    }

    static func expectations() throws -> [String: Expectation] {
        try JSONDecoder().decode([String: Expectation].self, from: Data(contentsOf: URL(fileURLWithPath: root + "/expectations.json")))
    }

    /// Every YAML file of the corpus, relative to its root.
    static func files() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".yaml") || path.hasSuffix(".yml") { files.append(path) }
        }
        return files.sorted()
    }

    @Test("every file of the corpus has a verdict, and every verdict names a file")
    func classified() throws {
        let expectations = try Self.expectations()
        #expect(Set(expectations.keys) == Set(Self.files()))
        #expect(Self.files().count >= 50)
    }

    @Test("each file loads, or is refused with the line its classification names", arguments: files())
    func verdict(file: String) throws {
        let expectation = try #require(try Self.expectations()[file], "no verdict for \(file)")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.root + "/" + file)))
        let (resources, _, diagnostics) = Network.loadStandalone(NetworkFile(path: file, bytes: bytes), site: "corpus")
        let text = diagnostics.map(\.description).joined(separator: "\n")
        let documents = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n").filter { $0.hasPrefix("apiVersion: skupper.io/") }.count
        switch expectation.expect {
        case "loads":
            #expect(diagnostics.errors.isEmpty, "\(file): \(text)")
            #expect(resources.count == documents, "\(file): \(resources.count) of \(documents) documents loaded")
        case "kubernetes-only", "gap", "invalid":
            let message = try #require(expectation.message)
            #expect(diagnostics.contains { $0.description.contains(message) }, "\(file): expected \"\(message)\" in\n\(text)")
            #expect(resources.count < documents, "\(file): the document is not loaded")
            if expectation.expect == "invalid" { #expect(expectation.why != nil && !diagnostics.errors.isEmpty, "\(file): an error, and why Skupper agrees") }
        default:
            Issue.record("\(file): unknown verdict \(expectation.expect)")
        }
    }
}
