import NIOCore
import SkiffAccessHTTPS
import SkiffRouter
import SkiffRouterAPI

/// The grant server as the router's companion: configured from the router configuration's
/// `grantServer` (nil stops it serving), its status the router status's `grantServer`.
/// It lives in the router process so that one-shot `apply` sites can grant too.
final class GrantServerCompanion: RouterCompanion {
    let server: GrantServer

    init(_ server: GrantServer) {
        self.server = server
    }

    func apply(_ config: RouterConfig, reloadCertificates: Bool) -> EventLoopFuture<Void> {
        server.apply(config.grantServer, site: config.site, reloadCertificates: reloadCertificates)
    }

    func addStatus(to status: RouterStatus) -> EventLoopFuture<RouterStatus> {
        server.status().map { grantServer in
            var status = status
            status.grantServer = grantServer
            return status
        }
    }

    func shutdown() -> EventLoopFuture<Void> {
        server.shutdown()
    }
}
