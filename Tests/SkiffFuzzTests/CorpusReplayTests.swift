import Foundation
import SkiffFuzzTargets
import Testing

/// Every saved fuzz input (the minimised corpus and every crasher ever found, Tests/Fuzz) runs
/// through its target on each `make test`: a fixed bug stays fixed, and the harnesses still reach
/// the states the corpus was built to reach.
@Suite("Fuzz corpus replay")
struct CorpusReplayTests {
    static let fuzzFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func inputs(_ target: FuzzTarget, in kind: String) -> [URL] {
        let folder = fuzzFolder.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return files.filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    @Test("every corpus input and crasher runs; the corpus reaches both acceptance and refusal", arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) throws {
        let corpus = Self.inputs(target, in: "Corpus")
        #expect(corpus.count >= 3, "Tests/Fuzz/Corpus/\(target.rawValue) holds \(corpus.count) inputs")
        var accepted = 0
        for file in corpus + Self.inputs(target, in: "Crashers") {
            let input = try [UInt8](Data(contentsOf: file))
            let outcome = target.run(input)
            // The harness is deterministic: libFuzzer's findings replay as they were found. (Only
            // the verdict: Yams names duplicate keys in hash order, so that message can vary.)
            #expect(target.run(input).accepted == outcome.accepted, "\(file.lastPathComponent) gave two verdicts")
            if outcome.accepted { accepted += 1 }
        }
        #expect(accepted > 0, "no input in the \(target.rawValue) corpus gets past the first checks")
        #expect(accepted < corpus.count, "no input in the \(target.rawValue) corpus is refused")
    }

    @Test("the seeds reach the states they were written for")
    func seeds() throws {
        func run(_ target: FuzzTarget, _ seed: String) throws -> FuzzOutcome {
            let file = Self.fuzzFolder.appendingPathComponent("Corpus/\(target.rawValue)/seed-\(seed)")
            return target.run(try [UInt8](Data(contentsOf: file)))
        }
        #expect(try run(.linkSession, "hello-and-advert") == FuzzOutcome(accepted: true, detail: "up"))
        #expect(try run(.linkSession, "before-hello").detail == "protocol error: stream frame before hello")
        #expect(try run(.linkSession, "window-overrun").detail == "protocol error: stream 1 overran its window")
        #expect(try run(.linkSession, "keepalive-expiry").detail.contains("keepalive"))
        #expect(try run(.grantRequest, "redeem") == FuzzOutcome(accepted: true, detail: "HTTP/1.1 503 Service Unavailable"))
        #expect(try run(.grantRequest, "bad-json").detail == "HTTP/1.1 400 Bad Request")
        #expect(try run(.tokenFile, "token").accepted)
        #expect(try run(.tokenFile, "not-a-pem").detail.contains("not a PEM certificate"))
        #expect(try run(.networkFile, "hello-world-west-listener").accepted)
    }
}
