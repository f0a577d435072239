import Foundation
import SkiffPlan
import SkiffSupport

/// `skiff apply --wait`: after an apply, waits until the site does what git asks of it — links up,
/// tokens redeemed with their links up, every listener with a connector somewhere — saying what it
/// waits for whenever that changes.
public enum ApplyWait {
    /// The kinds whose readiness an apply waits for (certificates and the site are ready once written).
    static let awaited: Set<String> = ["Link", "AccessToken", "Listener"]

    /// What the site still waits for, one `Kind/name (why)` each, from its status.
    public static func pending(_ status: SiteStatusReport) -> [String] {
        guard status.router != nil else { return ["Router/\(status.site) (\(status.routerError ?? "not running"))"] }
        return status.entries.filter { awaited.contains($0.kind) && $0.status != .ready }.map { "\($0.kind)/\($0.name) (\($0.message))" }
    }

    /// Polls the site every `interval` seconds until nothing is pending or `timeout` seconds pass;
    /// `progress` hears each new list of what is pending. Returns what is still pending (empty: done).
    public static func wait(site: String, stateDirectory: StateDirectory, timeout: TimeInterval, interval: TimeInterval = 0.5,
                            progress: ([String]) -> Void) -> [String]
    {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String]?
        while true {
            let now = (try? SiteStatusReport.read(site: site, stateDirectory: stateDirectory)).map(pending) ?? ["Site/\(site) (no status)"]
            // Messages carry counts (open flows) that change without news: report by name.
            if now.map(Self.name) != last?.map(Self.name) {
                progress(now)
                last = now
            }
            if now.isEmpty || Date() >= deadline { return now }
            Thread.sleep(forTimeInterval: min(interval, max(0, deadline.timeIntervalSinceNow)))
        }
    }

    static func name(_ line: String) -> Substring { line.prefix { $0 != " " } }
}
