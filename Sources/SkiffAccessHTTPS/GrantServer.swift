import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SkiffAccess
import SkiffNetSupport
import SkiffPKI
import SkiffRouterAPI
import SkiffSupport

/// The HTTPS server (TLS 1.3 only, the router's server certificate) that redeems a site's grants
/// for link credentials issued by the site's CA. It runs inside the router process, on the router's
/// event loop; all of its state lives on that loop.
public final class GrantServer: @unchecked Sendable {
    /// Largest request body read; past it the request is refused with 413.
    public static let maxBody = 16 << 10
    /// A connection that has not finished its request by then is closed.
    public static let requestTimeout = TimeAmount.seconds(10)
    /// Connections served at once; more are closed at once (redemptions are rare and quick).
    public static let maxConnections = 64

    public let loop: EventLoop
    let stateDirectory: String
    let logger: Logger
    let pki: SitePKI
    private(set) var config: GrantServerConfig?
    private var site = ""
    private var channel: Channel?
    private var bindError: String?
    private var bookError: String?
    private var book = GrantBook()
    private var limiter = FailureRateLimiter(limit: 10)
    private var connections = 0
    /// The thread disk work runs on: the server's own, started at first use and stopped by
    /// `shutdown`, so no work item outlives the server (NIO's shared pool never stops).
    private var diskPool: NIOThreadPool?
    /// The last disk task submitted (see `onDisk`).
    private lazy var diskQueue: EventLoopFuture<Void> = loop.makeSucceededVoidFuture()
    /// The clock; tests move it.
    var now: @Sendable () -> Date = { Date() }

    public init(stateDirectory: String, loop: EventLoop, logger: Logger) {
        self.stateDirectory = stateDirectory
        self.loop = loop
        self.logger = logger
        self.pki = SitePKI(stateDirectory: stateDirectory)
    }

    /// Serves `config` (nil: serves nothing) for `site`. Binds again when the address changes or
    /// `reloadCertificates` says the certificates on disk changed; (re)arms the grants either way.
    public func apply(_ config: GrantServerConfig?, site: String, reloadCertificates: Bool) -> EventLoopFuture<Void> {
        loop.flatSubmit {
            let old = self.config
            self.config = config
            self.site = site
            guard let config else {
                return self.unbind()
            }
            if config.failuresPerMinute != self.limiter.limit { self.limiter = FailureRateLimiter(limit: config.failuresPerMinute) }
            let addressChanged = old.map { $0.host != config.host || $0.port != config.port || $0.serverCredentials != config.serverCredentials } ?? true
            return self.arm(config).flatMap {
                guard addressChanged || reloadCertificates || self.channel == nil else { return self.loop.makeSucceededVoidFuture() }
                return self.unbind().flatMap { self.bind(config) }
            }
        }
    }

    /// Unbinds, then stops the disk thread once the disk work queued before has finished.
    public func shutdown() -> EventLoopFuture<Void> {
        loop.flatSubmit {
            self.unbind().flatMap { self.diskQueue }.flatMap {
                guard let pool = self.diskPool else { return self.loop.makeSucceededVoidFuture() }
                self.diskPool = nil
                let done = self.loop.makePromise(of: Void.self)
                pool.shutdownGracefully { _ in done.succeed() }
                return done.futureResult
            }
        }
    }

    deinit {
        // A server dropped without shutdown() still stops its thread.
        diskPool?.shutdownGracefully { _ in }
    }

    /// Where the server stands, for the management API. Nil when no grants are configured.
    public func status() -> EventLoopFuture<GrantServerStatus?> {
        let pki = pki
        // The CA is read on the thread pool (a revoke-access may have replaced it), the rest on the loop.
        return loop.flatSubmit { self.onDisk { (try? pki.loadCA())?.certificate.serialHex ?? "" } }.map { serial in
            guard let config = self.config else { return nil }
            let grants = self.book.grants.values.sorted { $0.name < $1.name }.map { record in
                GrantServerStatus.Grant(name: record.name, url: record.url, state: record.state(now: self.now(), caSerial: serial),
                                        redemptions: record.redemptions, redemptionsAllowed: record.redemptionsAllowed,
                                        expiresAt: record.expiresAt)
            }
            return GrantServerStatus(address: HostPort.format(config.host, config.port), error: self.bookError ?? self.bindError, grants: grants)
        }
    }

    // MARK: Grants

    /// Arms `config`'s grants: reads the records (when none are in memory) and the CA on the thread
    /// pool, decides on the loop, writes the records back on the pool. The book in memory is the
    /// truth while the router runs (it holds uses not yet on disk), so it is reloaded only when
    /// empty or unreadable before.
    private func arm(_ config: GrantServerConfig) -> EventLoopFuture<Void> {
        loop.preconditionInEventLoop()
        let (stateDirectory, pki) = (stateDirectory, pki)
        let reload = bookError != nil || book.grants.isEmpty
        return onDisk { () -> Result<(GrantBook?, CertificateAuthority?), Error> in
            Result { (reload ? try GrantBook.load(stateDirectory: stateDirectory) : nil, try? pki.loadCA()) }
        }.flatMap { loaded -> EventLoopFuture<Void> in
            switch loaded {
            case .failure(let error):
                // A damaged book is never overwritten: counts in it may be all that stops a reuse.
                self.bookError = "\(error)"
                self.logger.error("grant records unreadable; refusing redemptions", metadata: ["error": "\(error)"])
                return self.loop.makeSucceededVoidFuture()
            case .success(let (book, ca)):
                if let book { self.book = book }
                self.bookError = nil
                guard let ca else {
                    self.bookError = "the site has no usable CA yet"
                    return self.loop.makeSucceededVoidFuture()
                }
                return self.save(arming: config, caSerial: ca.certificate.serialHex)
            }
        }
    }

    /// Arms the grants in memory at once (so the next redemption sees them) and writes them; a
    /// failed write refuses redemptions until a later arm reads the records back.
    private func save(arming config: GrantServerConfig, caSerial: String) -> EventLoopFuture<Void> {
        var armed = book
        guard armed.arm(config, caSerial: caSerial, now: now()) else { return loop.makeSucceededVoidFuture() }
        book = armed
        let (stateDirectory, snapshot) = (stateDirectory, armed)
        return onDisk { try snapshot.save(stateDirectory: stateDirectory) }.map {
            self.logger.info("grants armed", metadata: ["grants": "\(config.grants.map(\.name).sorted())"])
        }.recover { error in
            self.bookError = "cannot save grant records: \(error)"
        }
    }

    /// Decides one redemption: checks limits and the code, issues the credentials, counts the use
    /// (on disk before answering, so a crash never hands out an uncounted use). Reading the CA,
    /// making the key and writing the records run on a thread pool, one after another, never on
    /// the event loop that carries the site's traffic; the use is counted in memory at once, so a
    /// second request arriving meanwhile cannot take it too.
    func redeem(grant name: String, body: ByteBuffer?, from address: String) -> EventLoopFuture<Result<RedemptionResponse, RedemptionRefusal>> {
        loop.preconditionInEventLoop()
        let now = now()
        guard limiter.allows(address, now: now) else { return loop.makeSucceededFuture(.failure(.rateLimited)) }
        guard let request = Self.request(in: body) else { return loop.makeSucceededFuture(.failure(.badRequest)) }
        guard config != nil, bookError == nil else { return loop.makeSucceededFuture(.failure(.unavailable)) }
        // The CA is read afresh for every redemption: a CA replaced by revoke-access revokes its
        // grants at once, before the router reloads.
        let pki = pki
        return onDisk { try pki.loadCA() }
            .flatMap { ca in self.redeem(request, grant: name, ca: ca, from: address, now: now) }
            .recover { _ in .failure(.unavailable) }
    }

    private func redeem(_ request: RedemptionRequest, grant name: String, ca: CertificateAuthority, from address: String,
                        now: Date) -> EventLoopFuture<Result<RedemptionResponse, RedemptionRefusal>>
    {
        loop.preconditionInEventLoop()
        guard let config, bookError == nil else { return loop.makeSucceededFuture(.failure(.unavailable)) }
        let record: GrantRecord
        switch book.check(name: name, code: request.code, caSerial: ca.certificate.serialHex, now: now) {
        case .failure(let refusal):
            if refusal == .unknownGrant || refusal == .wrongCode { limiter.recordFailure(address, now: now) }
            logger.notice("redemption refused", metadata: ["grant": "\(name)", "client": "\(address)", "reason": "\(refusal.rawValue)"])
            return loop.makeSucceededFuture(.failure(refusal))
        case .success(let found):
            record = found
        }
        var counted = book
        counted.recordRedemption(name: record.name, by: request.site)
        book = counted
        let (site, stateDirectory, endpoints, logger, snapshot) = (site, stateDirectory, config.linkEndpoints, logger, counted)
        let (pki, served) = (pki, config.serverCredentials)
        return onDisk {
            let credential = try ca.issue(.client(link: request.link, grantedBy: site, to: request.site), now: now)
            try snapshot.save(stateDirectory: stateDirectory)
            // The link verifies the router with the CA of the certificate it serves (the site CA,
            // unless another CA issued it or it is provided).
            return RedemptionResponse(site: site, endpoints: endpoints, ca: try pki.servedCA(served),
                                      certificate: try credential.certificatePEM, key: try credential.keyPEM)
        }.map { response -> Result<RedemptionResponse, RedemptionRefusal> in
            logger.info("grant redeemed", metadata: ["grant": "\(name)", "by": "\(request.site)", "client": "\(address)",
                                                      "redemptions": "\(record.redemptions + 1)/\(record.redemptionsAllowed)"])
            return .success(response)
        }.recover { error in
            // The use stays counted: refusing one that did happen is safe, granting an uncounted one is not.
            logger.error("cannot issue link credentials", metadata: ["grant": "\(name)", "error": "\(error)"])
            return .failure(.unavailable)
        }
    }

    private func startedDiskPool() -> NIOThreadPool {
        if let diskPool { return diskPool }
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        diskPool = pool
        return pool
    }

    /// Runs `work` on the disk thread after every disk task submitted before it, completing on the
    /// router's loop: record writes land in the order they were decided.
    private func onDisk<T: Sendable>(_ work: @escaping @Sendable () throws -> T) -> EventLoopFuture<T> {
        let pool = startedDiskPool()
        let result = diskQueue.flatMap { pool.runIfActive(eventLoop: self.loop, work) }
        diskQueue = result.map { _ in () }.recover { _ in () }
        return result
    }

    /// The redemption request in `body`, if it is one: JSON naming a code, a site and a link, the
    /// names DNS labels. Checked before anything else, whatever the server serves.
    static func request(in body: ByteBuffer?) -> RedemptionRequest? {
        guard let body, body.readableBytes > 0,
              let request = try? JSONDecoder().decode(RedemptionRequest.self, from: Data(body.readableBytesView)),
              isName(request.site), isName(request.link)
        else { return nil }
        return request
    }

    /// Site and link names: DNS labels, as Kubernetes names are.
    static func isName(_ text: String) -> Bool {
        (1...63).contains(text.utf8.count) && text.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 46 }
    }

    // MARK: Socket

    private func bind(_ config: GrantServerConfig) -> EventLoopFuture<Void> {
        let context: NIOSSLContext
        do {
            context = try Self.tlsContext(pki: pki, credentials: config.serverCredentials)
        } catch {
            bindError = "the server certificate is unusable: \(error)"
            logger.error("cannot serve grants", metadata: ["error": "\(error)"])
            return loop.makeSucceededVoidFuture()
        }
        return ServerBootstrap(group: loop)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 64)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard self.connections < Self.maxConnections else {
                        channel.close(promise: nil)
                        return
                    }
                    self.connections += 1
                    channel.closeFuture.whenComplete { _ in self.connections -= 1 }
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLServerHandler(context: context))
                    try self.addExchangeHandlers(to: sync)
                    channel.eventLoop.scheduleTask(in: Self.requestTimeout) { channel.close(promise: nil) }
                }
            }
            .bind(host: config.host, port: config.port)
            .map { channel in
                self.channel = channel
                self.bindError = nil
                self.logger.info("serving grants", metadata: ["address": "\(HostPort.format(config.host, config.port))"])
            }
            .recover { error in
                self.bindError = SocketErrorText.bind(error, address: HostPort.format(config.host, config.port))
                self.logger.error("cannot serve grants", metadata: ["address": "\(HostPort.format(config.host, config.port))", "error": "\(error)"])
            }
    }

    /// What goes above TLS on a client's connection: HTTP/1, then one request handler. (The
    /// fuzzer feeds the same handlers.)
    func addExchangeHandlers(to sync: ChannelPipeline.SynchronousOperations) throws {
        try sync.configureHTTPServerPipeline(withErrorHandling: true)
        try sync.addHandler(GrantExchange.handler(for: self))
    }

    private func unbind() -> EventLoopFuture<Void> {
        guard let channel else { return loop.makeSucceededVoidFuture() }
        self.channel = nil
        return channel.close().recover { _ in }
    }

    /// TLS 1.3 only, with the certificate the router serves (`pki/server`, or provided
    /// `credentials`); clients present none.
    static func tlsContext(pki: SitePKI, credentials: String? = nil) throws -> NIOSSLContext {
        let folder = pki.servedCredentialsFolder(credentials)
        return try HTTPServer.tlsContext(certificateFile: folder + "/tls.crt", keyFile: folder + "/tls.key")
    }
}
