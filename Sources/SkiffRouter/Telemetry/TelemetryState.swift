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

    /// A site re-issues its summary at least this often, even when nothing changed.
    static let refresh: TimeInterval = 30
    /// A summary is current (its site is taken to be there) while younger than this.
    static var currentFor: TimeInterval { refresh + 12 }
    /// A summary not refreshed for this long is dropped.
    static let maxAge: TimeInterval = 3 * refresh + 5
}

