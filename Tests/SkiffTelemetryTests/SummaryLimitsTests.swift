import Foundation
import SkiffTelemetry
import Testing

@Suite("What a site summary may hold")
struct SummaryLimitsTests {
    static let base = NetworkAssemblyTests.summary("east", links: [NetworkAssemblyTests.link("west")],
                                                   connectors: [NetworkAssemblyTests.endpoint("db")])

    @Test("within the limits: no problem")
    func fine() {
        #expect(SummaryLimits.problem(Self.base) == nil)
    }

    @Test("each field out of bounds is named", arguments: [
        ("origin", "origin name"), ("sequence", "sequence"), ("interval", "interval"), ("state", "state"), ("direction", "direction"),
        ("cost", "cost"), ("rtt", "round trip"), ("counter", "counter"), ("rate", "rate"), ("key", "key"), ("links", "links"),
        ("report", "gitops"),
    ])
    func refused(field: String, words: String) {
        var summary = Self.base
        switch field {
        case "origin": summary.origin = String(repeating: "x", count: 256)
        case "sequence": summary.sequence = UInt64(SummaryLimits.maxNumber) + 1
        case "interval": summary.interval = 0
        case "state": summary.links[0].state = "sideways"
        case "direction": summary.links[0].direction = "up"
        case "cost": summary.links[0].cost = 0
        case "rtt": summary.links[0].rttMilliseconds = -1
        case "counter": summary.connectors[0].bytesOut = -5
        case "rate": summary.connectors[0].rateIn = .nan
        case "key": summary.connectors[0].routingKey = ""
        case "links": summary.links = Array(repeating: summary.links[0], count: SummaryLimits.maxLinks + 1)
        default: summary.gitops = GitOpsReport(reconciler: "daemon", errors: Array(repeating: "e", count: SummaryLimits.maxReportLines + 1))
        }
        let problem = SummaryLimits.problem(summary)
        #expect(problem?.contains(words) == true, "\(problem ?? "none")")
    }

    @Test("a long report is cut to the limits, saying how much was left out")
    func bounded() {
        let report = GitOpsReport(reconciler: "daemon", lastError: String(repeating: "é", count: 2_000),
                                  errors: (1...80).map { "west/site.yaml:\($0):1: bad" },
                                  history: Array(repeating: .init(commit: "abc", at: Date(), result: "applied", changes: 1), count: 30)).bounded()
        #expect(report.errors.count == SummaryLimits.maxReportLines)
        #expect(report.errors.last == "… and 31 more")
        #expect(report.history.count == SummaryLimits.maxHistory)
        #expect(report.lastError!.utf8.count <= SummaryLimits.maxLineBytes && report.lastError!.hasSuffix("…"))
        var summary = Self.base
        summary.gitops = report
        #expect(SummaryLimits.problem(summary) == nil)
    }
}
