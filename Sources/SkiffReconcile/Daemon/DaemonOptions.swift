import SkiffPlan
import SkiffSource
import SkiffSupport

/// How a site's daemon runs.
public struct DaemonOptions: Sendable {
    public var site: String
    public var source: SourceRequest
    public var stateDirectory: StateDirectory
    /// Seconds between cycles (±10% jitter, so many sites do not fetch in step).
    public var interval: Double
    /// The `skiff` binary that runs the router when it must be started.
    public var routerExecutable: String
    /// When set, `POST /hooks/git` must carry `X-Hub-Signature-256: sha256=<HMAC of the body>`.
    public var webhookSecret: String?
    /// Nil when a commit may be applied; otherwise why not, in one line naming the commit (the
    /// signature policy of `--allowed-signers` and `--trusted-gpg-keys`).
    public var verifyCommit: (@Sendable (Snapshot) -> String?)?

    public init(site: String, source: SourceRequest, stateDirectory: StateDirectory, interval: Double, routerExecutable: String,
                webhookSecret: String? = nil)
    {
        self.site = site
        self.source = source
        self.stateDirectory = stateDirectory
        self.interval = interval
        self.routerExecutable = routerExecutable
        self.webhookSecret = webhookSecret
    }
}
