import Foundation
import Logging
import ServiceLifecycle
import SkiffReconcile

/// The daemon loop as a swift-service-lifecycle `Service`: it runs on a thread of its own (each
/// cycle does blocking git and file work) and stops after its current cycle on graceful shutdown.
struct DaemonService: Service {
    let daemon: Daemon
    let logger: Logger

    func run() async throws {
        await withGracefulShutdownHandler {
            await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
                let daemon = self.daemon
                Thread {
                    daemon.run()
                    finished.resume()
                }.start()
            }
        } onGracefulShutdown: { [daemon, logger] in
            logger.info("daemon stopping; the router keeps running")
            daemon.stop()
        }
    }
}
