#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a site summary from a peer may hold. A summary beyond them is a protocol error (the link is
/// closed), so a peer — even one holding valid credentials — cannot grow every router's memory
/// without bound or hand the console numbers no router could report.
public enum SummaryLimits {
    public static let maxLinks = 1_024
    /// Listeners and connectors together.
    public static let maxEndpoints = 10_000
    /// Names, routing keys, addresses, states and versions.
    public static let maxNameBytes = 255
    /// Each line of a GitOps report (errors, pending changes, the last error).
    public static let maxLineBytes = 1_024
    public static let maxReportLines = 50
    public static let maxHistory = 20
    public static let maxCertificates = 64
    /// Highest counter, sequence or cost accepted (2^53: exact in every JSON reader).
    public static let maxNumber = 1 << 53
    /// Shortest and longest interval an origin may claim, in seconds.
    public static let intervals: ClosedRange<Double> = 0.2...3_600
    public static let linkStates: Set<String> = ["up", "connecting", "down", "standby"]
    public static let directions: Set<String> = ["outgoing", "incoming"]

    /// `text` cut to `maxLineBytes` on a character boundary.
    public static func clip(_ text: String) -> String {
        guard text.utf8.count > maxLineBytes else { return text }
        var clipped = ""
        for character in text {
            guard clipped.utf8.count + character.utf8.count <= maxLineBytes - 3 else { break }
            clipped.append(character)
        }
        return clipped + "…"
    }

    /// Why `summary` is beyond the limits (nil when it is within them).
    public static func problem(_ summary: SiteSummary) -> String? {
        if !name(summary.origin) { return "origin name empty or longer than \(maxNameBytes) bytes" }
        if summary.sequence > UInt64(maxNumber) { return "sequence past 2^53" }
        if !intervals.contains(summary.interval) { return "interval \(summary.interval) s outside 0.2–3600" }
        if let version = summary.version, !name(version) { return "version longer than \(maxNameBytes) bytes" }
        if summary.links.count > maxLinks { return "\(summary.links.count) links (at most \(maxLinks))" }
        let endpoints = summary.listeners.count + summary.connectors.count
        if endpoints > maxEndpoints { return "\(endpoints) listeners and connectors (at most \(maxEndpoints))" }
        for link in summary.links {
            if let problem = problem(link) { return "link \(link.name ?? link.peer ?? "?"): \(problem)" }
        }
        for endpoint in summary.listeners + summary.connectors {
            if let problem = problem(endpoint) { return "\(endpoint.name): \(problem)" }
        }
        if let report = summary.gitops, let problem = problem(report) { return "gitops: \(problem)" }
        return nil
    }

    private static func problem(_ link: SiteSummary.Link) -> String? {
        if let name = link.name, !self.name(name) { return "name out of bounds" }
        if let peer = link.peer, !name(peer) { return "peer name out of bounds" }
        if !directions.contains(link.direction) { return "direction \"\(link.direction)\"" }
        if !linkStates.contains(link.state) { return "state \"\(link.state)\"" }
        if !(1...1_000_000).contains(link.cost) { return "cost \(link.cost) outside 1–1000000" }
        if let rtt = link.rttMilliseconds, !(rtt.isFinite && rtt >= 0 && rtt < 3_600_000) { return "round trip \(rtt) ms" }
        return figures([link.bytesIn, link.bytesOut, link.openFlows], rates: [link.rateIn, link.rateOut])
    }

    private static func problem(_ endpoint: SiteSummary.Endpoint) -> String? {
        if !name(endpoint.name) || !name(endpoint.routingKey) || !name(endpoint.address) { return "name, key or address out of bounds" }
        return figures([endpoint.openFlows, endpoint.totalFlows, endpoint.bytesIn, endpoint.bytesOut],
                       rates: [endpoint.rateIn, endpoint.rateOut])
    }

    private static func problem(_ report: GitOpsReport) -> String? {
        let lines = [report.reconciler, report.headCommit, report.appliedCommit, report.lastResult, report.lastError, report.invalidCommit]
            .compactMap { $0 } + report.errors + report.pending
        if lines.contains(where: { $0.utf8.count > maxLineBytes }) { return "a line longer than \(maxLineBytes) bytes" }
        if report.errors.count > maxReportLines || report.pending.count > maxReportLines { return "more than \(maxReportLines) lines" }
        if report.history.count > maxHistory { return "more than \(maxHistory) applies" }
        if report.certificates.count > maxCertificates { return "more than \(maxCertificates) certificates" }
        if report.history.contains(where: { !name($0.result) || $0.changes < 0 || $0.changes > maxNumber || !($0.commit.map(name) ?? true) }) {
            return "an apply out of bounds"
        }
        if report.certificates.contains(where: { !name($0.name) }) { return "a certificate name out of bounds" }
        return nil
    }

    private static func figures(_ counts: [Int], rates: [Double]) -> String? {
        if counts.contains(where: { $0 < 0 || $0 > maxNumber }) { return "a counter outside 0–2^53" }
        if rates.contains(where: { !($0.isFinite && $0 >= 0 && $0 <= Double(maxNumber)) }) { return "a rate that is negative or not finite" }
        return nil
    }

    private static func name(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= maxNameBytes
    }
}
