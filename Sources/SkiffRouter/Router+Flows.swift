import NIOCore
import NIOPosix
import NIOSSL
import SkiffLink
import SkiffNetSupport
import SkiffPKI
import SkiffRouterAPI
import SkiffSupport

extension Router {
    // MARK: Listeners

    /// Binds new listeners, closes removed ones, rebinds changed ones; flows already accepted go on.
    func reconcileListeners(_ wanted: [RouterConfig.Listener]) -> [EventLoopFuture<Void>] {
        let byName = Dictionary(wanted.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        // A listener is bound again when its address or its TLS (credentials, or their renewal) changed.
        for (name, state) in listeners where byName[name] == nil || byName[name]!.port != state.config.port
            || byName[name]!.host != state.config.host || byName[name]!.tls != state.config.tls
        {
            state.retry?.cancel()
            state.channel?.close(promise: nil)
            listeners[name] = nil
        }
        var work: [EventLoopFuture<Void>] = []
        for (name, listener) in byName {
            if let state = listeners[name] {
                state.config = listener  // a new routing key applies to new flows
                // A configuration pushed while the port was held tries it again now, not at the next retry.
                if state.channel == nil, state.retry != nil {
                    state.retry?.cancel()
                    state.retry = nil
                    work.append(bind(state))
                }
            } else {
                let state = ListenerState(config: listener, loop: loop)
                listeners[name] = state
                work.append(bind(state))
            }
        }
        return work
    }

    private func bind(_ state: ListenerState) -> EventLoopFuture<Void> {
        let listener = state.config
        var tls: NIOSSLContext?
        if let credentials = listener.tls {
            do {
                tls = try ApplicationTLSContexts.listener(credentials, pki: pkiRoot)
            } catch {
                // Credentials do not heal by retrying: a configuration with new ones binds again.
                state.error = "\(error)"
                logger.error("cannot serve a listener's TLS", metadata: ["listener": "\(listener.name)", "error": "\(error)"])
                return loop.makeSucceededVoidFuture()
            }
        }
        let serverTLS = tls
        return ServerBootstrap(group: loop)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            // A burst of new flows waits in the kernel's queue, not in SYN retries a second apart
            // (the kernel caps it at net.core.somaxconn, 4096 by default).
            .serverChannelOption(ChannelOptions.backlog, value: 4096)
            // Accepted sockets inherit it (FlowSocketOptions).
            .serverChannelOption(FlowSocketOptions.noDelay, value: 1)
            .childChannelInitializer { [self] child in
                child.eventLoop.makeCompletedFuture {
                    try FlowSocketOptions.apply(to: child)
                    if let serverTLS { try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: serverTLS, configuration: TLSPolicy.flowHandler)) }
                    self.acceptFlow(child, listener: state)
                }
            }
            .bind(host: listener.host, port: listener.port)
            .map { channel in
                if state.error != nil { self.logger.info("listener bound", metadata: ["listener": "\(listener.name)"]) }
                state.channel = channel
                state.error = nil
                state.backoff.reset()
            }
            .recover { error in
                let message = SocketErrorText.bind(error, address: HostPort.format(listener.host, listener.port))
                state.error = message
                let delay = state.backoff.next()
                self.logger.error("cannot bind listener; retrying", metadata: [
                    "listener": "\(listener.name)", "error": "\(message)", "retryIn": "\(Double(delay.nanoseconds) / 1e9) s",
                ])
                state.retry = self.loop.scheduleTask(in: delay) { [weak self] in
                    guard let self, self.listeners[listener.name] === state, state.channel == nil else { return }
                    state.retry = nil
                    _ = self.bind(state)
                }
            }
    }

    /// A client connected to a listener: send its flow to the best destination for the key.
    private func acceptFlow(_ child: Channel, listener: ListenerState) {
        guard let key = routingKey(for: listener) else {
            logger.debug("no routing key of the listener's strategy is reachable; closing the flow", metadata: ["listener": "\(listener.config.name)"])
            child.close(promise: nil)
            return
        }
        switch route(for: key) {
        case .local(let connector)?:
            splice(child, to: connector, counters: listener.counters)
        case .link(let session, let destination)?:
            guard let stream = session.openStream(routingKey: key, destination: destination.map { FlowDestination(site: $0) },
                                                  counters: listener.counters)
            else {
                child.close(promise: nil)
                return
            }
            if let destination { stream.routeCounters = counters(toward: destination) }
            try? child.pipeline.syncOperations.addHandler(FlowTCPHandler(stream: stream, logger: logger))
            stream.attach(child)
            session.flushSoon()
        case nil:
            logger.debug("no route for a flow; closing it", metadata: ["routingKey": "\(key)"])
            child.close(promise: nil)
        }
    }

    /// The listener's routing key, or for a MultiKeyListener the one its strategy picks among the
    /// keys the network serves now (nil when it serves none of them).
    func routingKey(for listener: ListenerState) -> String? {
        guard let strategy = listener.config.strategy else { return listener.config.routingKey }
        let served = networkKeys
        return listener.chooser.choose(strategy) { served.contains($0) }
    }

    // MARK: Connectors

    func reconcileConnectors(_ wanted: [RouterConfig.Connector]) {
        let byName = Dictionary(wanted.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        for name in connectors.keys where byName[name] == nil { connectors[name] = nil }
        for (name, connector) in byName {
            if let state = connectors[name] {
                guard state.config != connector else { continue }
                state.config = connector
                state.reachable = true
                state.lastError = nil
                loadTLS(state)
                probe(state)
            } else {
                let state = ConnectorState(config: connector, loop: loop)
                connectors[name] = state
                loadTLS(state)
                probe(state)
            }
        }
    }

    /// The connector's TLS to its backend, from its credentials as they are now (an error stays on
    /// the connector until a configuration with other credentials arrives).
    private func loadTLS(_ connector: ConnectorState) {
        connector.tls = nil
        connector.tlsError = nil
        guard let credentials = connector.config.tls else { return }
        do {
            connector.tls = try ApplicationTLSContexts.connector(credentials, pki: pkiRoot)
        } catch {
            connector.tlsError = "\(error)"
        }
    }

    /// Puts TLS in front of a connection to `connector`'s backend when it speaks TLS. The
    /// handshake, not the TCP connect, says whether the backend serves: one that completes marks
    /// the connector reachable, one that fails marks it unreachable with the reason.
    func addBackendTLS(_ channel: Channel, for connector: ConnectorState, outcome: ((Result<Void, BackendTLSFailure>) -> Void)? = nil) throws {
        guard let tls = connector.tls, let credentials = connector.config.tls else { return }
        let target = connector.config
        let handshake = BackendTLSHandler(target: HostPort.format(target.host, target.port), credentials: credentials.credentials) { [weak self] result in
            outcome?(result)
            // The answer is for the target as it was: the connector may have changed or gone since.
            guard let self, self.connectors[target.name] === connector, connector.config == target else { return }
            switch result {
            case .success: self.markReachable(connector)
            case .failure(let failure): self.markUnreachable(connector, error: failure.description)
            }
        }
        try channel.pipeline.syncOperations.addHandlers([
            try NIOSSLClientHandler(context: tls, serverHostname: TLSServerName.forHost(target.host), configuration: TLSPolicy.flowHandler), handshake,
        ])
    }

    /// Connects to `connector`'s target for a new flow; `initializer` readies the connection's
    /// pipeline, and `cancellable`, when given, learns how to call the dial off while it is under
    /// way. An IP address is dialled off this loop, by the connector dialler; a host name by NIO,
    /// which looks it up (on a thread of its own) and races the addresses it finds.
    private func connect(_ connector: ConnectorState, cancellable: ((@escaping @Sendable () -> Void) -> Void)? = nil,
                         _ initializer: @escaping @Sendable (Channel) throws -> Void) -> EventLoopFuture<Channel>
    {
        let target = connector.config
        let timeout = TimeAmount.milliseconds(Int64(config.tuning.connectTimeout * 1000))
        guard let address = connector.address else {
            return connectorBootstrap(connector, initializer).channelOption(FlowSocketOptions.noDelay, value: 1)
                .connectTimeout(timeout).connect(host: target.host, port: target.port)
        }
        let dial = connectorDialer.dial(address, timeout: timeout, on: loop)
        cancellable?(dial.cancel)
        // The dialler set TCP_NODELAY on the socket already. A ClientBootstrap sets it on every
        // channel by default, at a system call, a getsockname and a round of futures per flow;
        // enabling MPTCP is NIO's one way to drop that default, and does nothing else to a socket
        // that is already connected (withConnectedSocket makes none).
        return dial.socket.flatMap { [self] in connectorBootstrap(connector, initializer).enableMPTCP(true).withConnectedSocket($0) }
    }

    private func connectorBootstrap(_ connector: ConnectorState, _ initializer: @escaping @Sendable (Channel) throws -> Void) -> ClientBootstrap {
        ClientBootstrap(group: loop).channelInitializer { [self] channel in
            channel.eventLoop.makeCompletedFuture {
                try FlowSocketOptions.apply(to: channel)
                try self.addBackendTLS(channel, for: connector)
                try initializer(channel)
            }
        }
    }

    /// Dials the connector's target for a stream the peer opened; a refusal resets the stream. The
    /// stream may end while the dial is in flight (its link dies, the peer resets it): the dial is
    /// then cancelled, or the connection closed as soon as it is made, and the target is not blamed.
    func dialConnector(_ connector: ConnectorState, for stream: FlowStream) {
        let target = connector.config
        let logger = logger
        if let error = connector.tlsError {
            markUnreachable(connector, error: error)
            return stream.tcpFailed()
        }
        connect(connector, cancellable: { stream.cancelDial = $0 }) { channel in
            stream.cancelDial = { channel.close(promise: nil) }
            try channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
            try channel.pipeline.syncOperations.addHandler(FlowTCPHandler(stream: stream, logger: logger))
        }
        .whenComplete { [weak self] result in
            switch result {
            case .success(let channel):
                guard let self, stream.attach(channel) else {
                    channel.close(promise: nil)
                    return
                }
                if connector.tls == nil { self.markReachable(connector) }
                stream.flushLink()
            case .failure(let error):
                guard !stream.isClosed else { return }
                self?.connectFailed(connector, ConnectFailure(error, target: HostPort.format(target.host, target.port)))
                stream.tcpFailed()
            }
        }
    }

    /// A dial failed: an unreachable target is skipped for new flows; a local failure is only logged.
    private func connectFailed(_ connector: ConnectorState, _ failure: ConnectFailure) {
        switch failure {
        case .unreachable(let message):
            markUnreachable(connector, error: message)
        case .local(let message):
            connector.lastError = message
            logger.error("cannot dial a connector", metadata: ["connector": "\(connector.config.name)", "error": "\(message)"])
        case .cancelled:
            break
        }
    }

    /// A listener and a connector at the same router: join the two connections directly.
    private func splice(_ client: Channel, to connector: ConnectorState, counters: FlowCounters) {
        counters.opened()
        connector.counters.opened()
        let (clientSide, serverSide) = SpliceHandler.pair(counters: counters)
        // On the client now, so nothing it sends is read before the connector answers.
        try? client.pipeline.syncOperations.addHandler(clientSide)
        try? FlowSocketOptions.spliceReads(client)
        let target = connector.config
        // A client that leaves calls the dial off. Whether it left is its close, not `isActive`: a
        // dial can answer before the client's channel, accepted in this same tick, is registered.
        let dial = NIOLoopBoundBox((clientLeft: false, cancel: nil as (@Sendable () -> Void)?), eventLoop: loop)
        client.closeFuture.whenComplete { _ in
            dial.value.clientLeft = true
            dial.value.cancel?()
        }
        connect(connector, cancellable: { dial.value.cancel = $0 }) {
            try FlowSocketOptions.spliceReads($0)
            try $0.pipeline.syncOperations.addHandler(serverSide)
        }
        .whenComplete { result in
            dial.value.cancel = nil
            switch result {
            case .success(let channel):
                if connector.tls == nil { self.markReachable(connector) }
                channel.closeFuture.whenComplete { _ in connector.counters.closed() }
                // The client left while the connector was dialled: close the backend, never orphan it.
                guard !dial.value.clientLeft else { return channel.close(promise: nil) }
                clientSide.becomeReady()
            case .failure(let error):
                // The client's own handler counts its end (once) when it closes.
                connector.counters.closed()
                // A client that left cancelled the dial: that says nothing about the target.
                guard !dial.value.clientLeft else { return }
                self.connectFailed(connector, ConnectFailure(error, target: HostPort.format(target.host, target.port)))
                client.close(promise: nil)
            }
        }
    }
}
