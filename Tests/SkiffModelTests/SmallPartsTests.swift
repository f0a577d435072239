@testable import SkiffModel
import Testing

@Suite("Small parts: durations, suggestions, flattening")
struct SmallPartsTests {
    @Test("Go durations", arguments: [("15m", 900.0), ("1h30m", 5400.0), ("90s", 90.0), ("1.5h", 5400.0), ("250ms", 0.25)])
    func durations(text: String, seconds: Double) {
        #expect(GoDuration.seconds(parsing: text) == seconds)
    }

    @Test("not durations", arguments: ["", "15", "m", "15x", "1h 30m", "-5m"])
    func notDurations(text: String) {
        #expect(GoDuration.seconds(parsing: text) == nil)
    }

    @Test("suggestions: case-only differences and small typos match; unrelated words do not")
    func suggestions() {
        let names = ["routingKey", "host", "port", "tlsCredentials"]
        #expect(Suggestion.closest(to: "routingkey", in: names) == "routingKey")
        #expect(Suggestion.closest(to: "prot", in: names) == "port")
        #expect(Suggestion.closest(to: "tlsCredential", in: names) == "tlsCredentials")
        #expect(Suggestion.closest(to: "banana", in: names) == nil)
    }

    @Test("flattening gives dotted paths and keeps empty containers as leaves")
    func flatten() {
        let value: JSONValue = ["a": ["b": 1, "c": [1, ["d": "x"]]], "e": [:], "f": []]
        #expect(value.flattened() == ["a.b": 1, "a.c[0]": 1, "a.c[1].d": "x", "e": [:], "f": []])
    }
}
