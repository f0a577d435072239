import Foundation
import Logging
import NIOCore
import SkiffLink
import NIOPosix
import NIOSSL
import SkiffNetSupport
import SkiffPKI
import SkiffRouterAPI
import SkiffSupport

/// Keeps one configured link connected: dials, and after every failure or drop dials again with
/// capped exponential backoff (0.5 s doubling to 4 s, `Backoff.linkCap`). At an edge router with several links, a
/// failure hands over to the next link instead (`Router.failOver`); this one stands by.
/// Confined to the router's loop: the router's calls check it.
final class LinkDialer: @unchecked Sendable {
    let config: RouterConfig.Link
    private let loop: EventLoop
    /// Weak: a connect or a retry may complete after the router shut down; then it does nothing.
    private weak var router: Router?
    private(set) var session: LinkSession?
    private(set) var state = LinkState.connecting
    private(set) var lastError: String?
    private var backoff = Backoff(cap: Backoff.linkCap)
    private var retry: Scheduled<Void>?
    private var channel: Channel?
    /// The connection being dialled, until it connects or fails.
    private var connecting: EventLoopFuture<Channel>?
    private var stopped = false
    /// Dialling (or connected), as opposed to not started or standing by.
    private(set) var isActive = false

    init(config: RouterConfig.Link, router: Router) {
        self.config = config
        self.router = router
        loop = router.loop
    }

    func start() {
        loop.preconditionInEventLoop()
        guard !stopped, !isActive else { return }
        isActive = true
        state = .connecting
        dial()
    }

    /// Stops dialling (an edge router uses another link now); `start` resumes.
    func standBy() {
        loop.preconditionInEventLoop()
        isActive = false
        state = .standby
        retry?.cancel()
        channel?.close(promise: nil)
    }

    /// Stops dialling and closes the link; returns what completes once its connection (or the
    /// dial in flight) has closed and let go of its handlers.
    @discardableResult
    func stop() -> [EventLoopFuture<Void>] {
        loop.preconditionInEventLoop()
        stopped = true
        isActive = false
        retry?.cancel()
        session?.close(reason: "link removed from the configuration", code: .normal)
        channel?.close(promise: nil)
        // A dial in flight closes its channel as soon as it connects (it finds `stopped`).
        return [channel?.closeFuture, connecting?.flatMap { $0.closeFuture }.recover { _ in }].compactMap { $0 }
    }

    private func dial() {
        guard !stopped, isActive, let router else { return }
        state = .connecting
        let folder = router.pkiRoot + "/links/" + config.credentials
        // A peer refuses an expired certificate with a bare alert; saying so here names the file.
        if let expired = Self.expiry(folder + "/tls.crt"), expired < Date() {
            failed("this site's link certificate pki/links/\(config.credentials)/tls.crt expired at "
                + "\(ISO8601DateFormatter().string(from: expired)): redeem a fresh token")
            return
        }
        let context: NIOSSLContext
        do {
            context = try TLSContexts.client(credentials: folder)
        } catch {
            failed("credentials in pki/links/\(config.credentials) unusable: \(error)")
            return
        }
        let direction = LinkSession.Direction.outgoing(link: config.name)
        let session = LinkSession(direction: direction, localSite: router.config.site, configuration: LinkConfiguration(router.config.tuning, dialling: true),
                                  delegate: router, logger: router.logger, cost: config.cost, budget: router.budget)
        let logger = router.logger
        let hostname = TLSContexts.serverHostname(config.host)
        let pending = ClientBootstrap(group: router.loop)
            .connectTimeout(.seconds(5))
            .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .channelOption(ChannelOptions.writeBufferWaterMark, value: LinkSocket.waterMark)
            .channelOption(LinkSocket.notSentLowat, value: LinkSocket.unsentLimit)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        try NIOSSLClientHandler(context: context, serverHostname: hostname, configuration: TLSPolicy.linkHandler),
                        LinkTLSHandler(direction: direction, logger: logger),
                    ] + session.frameHandlers)
                }
            }
            .connect(host: config.host, port: config.port)
        connecting = pending
        pending.whenComplete { result in
            self.connecting = nil
            switch result {
            case .success(let channel):
                guard !self.stopped, self.isActive else { return channel.close(promise: nil) }
                self.channel = channel
                self.session = session
                channel.closeFuture.whenComplete { _ in self.dropped(session) }
            case .failure(let error):
                self.failed(SocketErrorText.connect(error, address: HostPort.format(self.config.host, self.config.port)))
            }
        }
    }

    /// When the certificate at `path` stops being valid; nil when it cannot be read (the TLS set-up
    /// that follows says why).
    static func expiry(_ path: String) -> Date? {
        (try? PEMFiles.readCertificate(path))?.notValidAfter
    }

    func connected() {
        backoff.reset()
        state = .up
        lastError = nil
    }

    /// The link's session ended (closed, or declared dead by keepalive): dial again.
    func dropped(_ old: LinkSession) {
        guard session === old else { return }
        session = nil
        channel = nil
        failed(old.closeReason ?? "link closed")
    }

    private func failed(_ message: String) {
        lastError = message
        guard !stopped, isActive, let router else { return }
        state = .down
        router.logger.warning("link down", metadata: ["link": "\(config.name)", "error": "\(message)"])
        let delay = backoff.next()
        if router.isEdgeRouter, router.dialers.count > 1 {
            router.failOver(from: self, after: min(delay, .seconds(2)))
            return
        }
        retry = router.loop.scheduleTask(in: delay) { [weak self] in self?.dial() }
    }
}
