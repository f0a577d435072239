#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a site's reconciler (`skiff daemon`, or the last `skiff apply`) reports to its router, to
/// go round the network in the site's summary: the commits, the last result and its errors, the
/// plan still pending, recent applies and when certificates expire. Never a secret: no code, no
/// key, no token — messages and commit ids only.
public struct GitOpsReport: Codable, Sendable, Hashable {
    /// One apply in the site's history.
    public struct Apply: Codable, Sendable, Hashable {
        public var commit: String?
        public var at: Date
        /// `applied`, `unchanged`, `invalid`, `untrusted`, `blocked` or `failed`.
        public var result: String
        public var changes: Int

        public init(commit: String?, at: Date, result: String, changes: Int) {
            self.commit = commit
            self.at = at
            self.result = result
            self.changes = changes
        }
    }

    /// A certificate the site holds and when it expires.
    public struct Certificate: Codable, Sendable, Hashable {
        /// `site CA`, `server`, `link west-to-east`, …
        public var name: String
        public var notAfter: Date

        public init(name: String, notAfter: Date) {
            self.name = name
            self.notAfter = notAfter
        }
    }

    /// `daemon` or `apply`.
    public var reconciler: String
    /// The newest commit seen on the branch (nil for `apply` from a folder).
    public var headCommit: String?
    /// The commit the site runs.
    public var appliedCommit: String?
    public var lastResult: String?
    public var lastCycleAt: Date?
    /// One line: why the head commit is not applied (nil when it is).
    public var lastError: String?
    /// The commit that did not validate, and its errors as `file:line:column: message`.
    public var invalidCommit: String?
    public var errors: [String]
    /// What applying the head commit would still change, one line per change (empty when none).
    public var pending: [String]
    /// The latest applies, newest first.
    public var history: [Apply]
    public var certificates: [Certificate]

    public init(reconciler: String, headCommit: String? = nil, appliedCommit: String? = nil, lastResult: String? = nil,
                lastCycleAt: Date? = nil, lastError: String? = nil, invalidCommit: String? = nil, errors: [String] = [],
                pending: [String] = [], history: [Apply] = [], certificates: [Certificate] = [])
    {
        self.reconciler = reconciler
        self.headCommit = headCommit
        self.appliedCommit = appliedCommit
        self.lastResult = lastResult
        self.lastCycleAt = lastCycleAt
        self.lastError = lastError
        self.invalidCommit = invalidCommit
        self.errors = errors
        self.pending = pending
        self.history = history
        self.certificates = certificates
    }

    /// The same report cut to the limits a summary allows (`SummaryLimits`): a long error list or
    /// plan keeps its first lines and says how many more there were.
    public func bounded() -> GitOpsReport {
        var report = self
        report.errors = Self.cut(errors, to: SummaryLimits.maxReportLines)
        report.pending = Self.cut(pending, to: SummaryLimits.maxReportLines)
        report.history = Array(history.prefix(SummaryLimits.maxHistory))
        report.certificates = Array(certificates.prefix(SummaryLimits.maxCertificates))
        report.lastError = lastError.map { SummaryLimits.clip($0) }
        return report
    }

    private static func cut(_ lines: [String], to limit: Int) -> [String] {
        let clipped = lines.prefix(limit).map { SummaryLimits.clip($0) }
        return lines.count > limit ? Array(clipped.dropLast()) + ["… and \(lines.count - limit + 1) more"] : clipped
    }
}
