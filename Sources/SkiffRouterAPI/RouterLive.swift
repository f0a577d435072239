/// The router as found: running with a configuration, not running (and why), or there but not
/// answering, which is never taken for "not running": starting a second router would take over
/// the first one's socket while it still holds the site's ports.
public enum RouterLive: Sendable, Hashable {
    /// Running `config`; `unbound` names what it could not bind (`listener backend: cannot bind …`),
    /// which it retries by itself and a push of its configuration retries at once.
    case running(RouterConfig, unbound: [String] = [])
    case notRunning(String)
    case unresponsive(String)
}
