import Foundation
import NIOCore
import SkiffLink
import NIOPosix
import NIOSSL
import SkiffNetSupport
import SkiffPKI
import SkiffRouterAPI
import SkiffSupport

extension Router {
    /// Binds the link-access ports (TLS 1.3, client certificates required) that changed.
    /// With `reloadCertificates`, every port is bound again with the certificates now on disk;
    /// links already up keep their connections. A port that could not be bound (another process
    /// holds it) is retried by itself with backoff, and at once when a configuration arrives.
    func reconcileAccess(old: [RouterConfig.LinkAccess], new: [RouterConfig.LinkAccess], reloadCertificates: Bool) -> [EventLoopFuture<Void>] {
        for access in accessServers.keys where !new.contains(access) || reloadCertificates {
            let server = accessServers.removeValue(forKey: access)
            server?.retry?.cancel()
            server?.channel?.close(promise: nil)
        }
        if reloadCertificates { closeUntrustedLinks() }
        let waiting = new.filter { accessServers[$0]?.retry != nil }
        for access in waiting {
            accessServers[access]?.retry?.cancel()
            accessServers[access]?.retry = nil
        }
        return new.filter { accessServers[$0] == nil || waiting.contains($0) }.map(bindAccess)
    }

    /// Closes every inbound link whose peer certificate the trust bundle now on disk no longer
    /// accepts: revoking access takes effect on the links already up, not only on new ones.
    /// (An unreadable bundle closes nothing: the new access ports then refuse every link anyway.)
    func closeUntrustedLinks(now: Date = Date()) {
        guard let trusted = try? PeerTrust.bundle(at: pkiRoot + "/trust/bundle.pem") else { return }
        for session in incoming.values {
            guard let der = session.peerCertificate,
                  let problem = PeerTrust.problem(peerDER: der, trusted: trusted, bound: peerAuthorities, now: now) else { continue }
            logger.notice("closing link: peer no longer trusted",
                          metadata: ["peerSite": "\(session.peerSite ?? "?")", "reason": "\(problem)"])
            session.close(reason: "peer no longer trusted: \(problem)", code: .accessRevoked)
        }
    }

    private func bindAccess(_ access: RouterConfig.LinkAccess) -> EventLoopFuture<Void> {
        let context: NIOSSLContext
        do {
            context = try TLSContexts.server(pki: pkiRoot, credentials: config.serverCredentials, peers: peerAuthorities)
        } catch {
            accessServers[access] = BoundServer(channel: nil, error: "server certificate or trust bundle unusable: \(error)")
            logger.error("cannot accept links", metadata: ["role": "\(access.role)", "error": "\(error)"])
            return loop.makeSucceededVoidFuture()
        }
        var binding = accessServers[access] ?? BoundServer()
        binding.error = "binding"
        accessServers[access] = binding
        let configuration = LinkConfiguration(config.tuning, dialling: false)
        let boundCAs = peerAuthorities
        let bootstrap = ServerBootstrap(group: loop)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.writeBufferWaterMark, value: LinkSocket.waterMark)
            .childChannelOption(LinkSocket.notSentLowat, value: LinkSocket.unsentLimit)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let session = LinkSession(direction: .incoming, localSite: self.config.site, configuration: configuration, delegate: self,
                                              logger: self.logger, budget: self.budget)
                    let tls = NIOSSLServerHandler(context: context, configuration: TLSPolicy.linkHandler)
                    try channel.pipeline.syncOperations.addHandlers([tls, LinkTLSHandler(direction: .incoming, logger: self.logger, boundCAs: boundCAs)]
                        + session.frameHandlers)
                    self.incoming[ObjectIdentifier(session)] = session
                }
            }
        let address = HostPort.format(access.host, access.port)
        return bootstrap.bind(host: access.host, port: access.port).map { channel in
            guard self.accessServers[access] != nil else { return channel.close(promise: nil) }  // removed meanwhile
            self.accessServers[access] = BoundServer(channel: channel, error: nil)
            self.logger.info("accepting links", metadata: ["role": "\(access.role)", "address": "\(address)"])
        }.recover { error in
            guard var server = self.accessServers[access] else { return }  // removed meanwhile
            server.error = SocketErrorText.bind(error, address: address)
            let delay = server.backoff.next()
            server.retry = self.loop.scheduleTask(in: delay) { [weak self] in
                guard let self, let waiting = self.accessServers[access], waiting.channel == nil, waiting.retry != nil else { return }
                self.accessServers[access]?.retry = nil
                _ = self.bindAccess(access)
            }
            self.accessServers[access] = server
            self.logger.error("cannot accept links; retrying", metadata: [
                "address": "\(address)", "error": "\(error)", "retryIn": "\(Double(delay.nanoseconds) / 1e9) s",
            ])
        }
    }
}

extension Router {
    /// The peer sites' CAs of a configuration; one that cannot be read is left out (its site's
    /// links are refused) and said in the log, and the others still count.
    func parsePeerCAs(_ peers: [PeerCA]) -> [SiteBoundCA] {
        peers.flatMap { peer -> [SiteBoundCA] in
            do {
                return try SiteBoundCA.parse(site: peer.site, pem: peer.pem)
            } catch {
                logger.error("cannot trust a peer site's CA; its links are refused", metadata: ["site": "\(peer.site)", "error": "\(error)"])
                return []
            }
        }
    }
}
