import ArgumentParser
import SkiffModel
import SkiffPlan
import SkiffReconcile

/// `--lock-timeout`, for the commands that change a site: they hold its lock while they run.
struct LockOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "How long to wait while another skiff command changes the site (30s, 2m). Default 0s: refuse at once.",
        valueName: "duration"))
    var lockTimeout: String = "0s"

    func validate() throws {
        guard let seconds = GoDuration.seconds(parsing: lockTimeout), seconds >= 0 else {
            throw ValidationError("--lock-timeout expects a duration such as 0s or 30s, got \"\(lockTimeout)\"")
        }
    }

    /// The site's lock for `command` (held until the value is released), or the reason it is not
    /// ours. With `onlyIfExists`, nil when the site has no state directory (nothing to change, and
    /// the command must not create one).
    func lock(_ site: SiteOptions, command: String, onlyIfExists: Bool = false) throws -> SiteLock? {
        if onlyIfExists, !site.stateDirectory.exists { return nil }
        return try SiteLock(site.stateDirectory, site: site.site, command: command, timeout: GoDuration.seconds(parsing: lockTimeout) ?? 0)
    }
}
