import NIOCore
import SkiffLink
import SkiffRouterAPI

/// A service that runs in the router process beside the router and follows its configuration:
/// told of every configuration the router applies, asked for its part of the router's status, and
/// stopped with it. The grant server is one (`SkiffRouterHost`); the router knows none by name.
public protocol RouterCompanion: AnyObject, Sendable {
    /// `config` was applied; `reloadCertificates` when the site's certificates changed on disk.
    func apply(_ config: RouterConfig, reloadCertificates: Bool) -> EventLoopFuture<Void>
    /// `status` with this companion's part added.
    func addStatus(to status: RouterStatus) -> EventLoopFuture<RouterStatus>
    func shutdown() -> EventLoopFuture<Void>
}
