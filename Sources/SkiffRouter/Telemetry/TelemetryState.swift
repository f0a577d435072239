import Foundation
import NIOCore
import SkiffRouterAPI
import SkiffTelemetry

/// What a router keeps to give every site the whole network's figures (Router+Telemetry.swift):
/// the latest summary of every site, its own sequence, the counters its rates are measured from,
/// the throughput history, and what the summaries cost.
struct TelemetryState {
    var summaries = FloodDatabase<SiteSummary>(maxAge: TelemetryState.maxAge)
    /// This router's summary sequence: its start time in milliseconds, then +1 per summary.
    var sequence = UInt64(Date().timeIntervalSince1970 * 1000)
    /// The last summary this router issued, and when.
    var lastIssued: SiteSummary?
    var lastIssuedAt = NIODeadline.distantPast
    /// Byte counters at the last sample (every `tuning.summaryInterval`), by `link/…`, `listener/…`
    /// or `connector/…`, and when it was taken.
    var previous: [String: (bytesIn: Int, bytesOut: Int)] = [:]
    var previousAt: NIODeadline?
    var history = ThroughputHistory(interval: RouterTuning.defaults.summaryInterval)
    /// What the site's reconciler last reported (`PUT /v1/gitops`).
    var gitops: GitOpsReport?
    var bytesSent = 0
    var bytesReceived = 0

    /// Links, listeners and connectors in all the summaries held (`weight`), against `maxWeight`.
    private(set) var weight = 0
    /// Summaries refused because they would take the total past `maxWeight`.
    var refused = 0

    /// Most links, listeners and connectors all held summaries may list together: each summary is
    /// bounded (`SummaryLimits`), and so is their sum, so a peer inventing sites cannot make this
    /// router hold more than some tens of megabytes. (50 sites with 1,000 services hold ~2,100.)
    static let maxWeight = 100_000

    static func weight(of summary: SiteSummary) -> Int {
        1 + summary.links.count + summary.listeners.count + summary.connectors.count
    }

    /// Stores `summary` if it is newer than what is held from its origin and the total stays
    /// within `maxWeight` (this router's own always fits: `own`); true when it was stored (and so
    /// must be flooded on).
    mutating func accept(_ summary: SiteSummary, now: Date, own: Bool = false) -> Bool {
        let held = summaries.message(from: summary.origin)
        if let held, held.sequence >= summary.sequence { return false }
        let next = weight - (held.map(Self.weight) ?? 0) + Self.weight(of: summary)
        if next > Self.maxWeight, !own {
            refused += 1
            return false
        }
        guard summaries.accept(summary, now: now) else { return false }
        weight = next
        return true
    }

    /// Drops summaries not refreshed within `maxAge` (never this router's own).
    mutating func expire(now: Date, keeping site: String) {
        let before = summaries.messages
        for origin in summaries.expire(now: now, keeping: site) { weight -= before[origin].map(Self.weight) ?? 0 }
    }

    /// A site re-issues its summary at least this often, even when nothing changed.
    static let refresh: TimeInterval = 30
    /// A summary is current (its site is taken to be there) while younger than this.
    static var currentFor: TimeInterval { refresh + 12 }
    /// A summary not refreshed for this long is dropped.
    static let maxAge: TimeInterval = 3 * refresh + 5
}

