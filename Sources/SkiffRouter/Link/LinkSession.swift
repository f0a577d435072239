import Foundation
import Logging
import NIOCore
import NIOSSL

/// What a link session needs from its router.
protocol LinkSessionDelegate: AnyObject, Sendable {
    /// The routing keys to advertise to `session`'s peer (ADVERT).
    func advertisedKeys(for session: LinkSession) -> [String]
    /// This router is an edge router.
    var isEdgeRouter: Bool { get }
    func sessionReceivedLinkState(_ session: LinkSession, _ advert: LinkStateAdvert)
    func sessionUp(_ session: LinkSession)
    func sessionDown(_ session: LinkSession, reason: String)
    func sessionKeysChanged(_ session: LinkSession)
    /// A stream the peer opened: attach it to a local connector, or return nil to reset it.
    func acceptStream(_ stream: FlowStream) -> Bool
}

/// One link, after TLS: hello and adverts, the stream table, keepalive, and frame dispatch.
/// Either side opens streams (the dialler odd ids, the acceptor even ones, as in yamux).
final class LinkSession: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = Frame

    enum Direction: Sendable, Equatable {
        case outgoing(link: String)
        case incoming
    }

    let direction: Direction
    let tuning: RouterTuning
    let localSite: String
    weak var delegate: LinkSessionDelegate?
    let logger: Logger
    /// The router-wide cap on bytes held for delivery (nil in isolated tests).
    weak var budget: BufferBudget?

    private(set) var peerSite: String?
    private(set) var peerIsEdge = false
    private(set) var peerKeys: Set<String> = []
    /// The link's cost: configured for an outgoing link, learnt from the dialler's hello for an incoming one.
    private(set) var cost: Int
    private(set) var isUp = false
    private(set) var streams: [UInt32: FlowStream] = [:]
    private var nextStreamID: UInt32
    private var context: ChannelHandlerContext?
    private var needsFlush = false
    private var lastReceived = NIODeadline.now()
    private var pingSentAt: NIODeadline?
    private var keepalive: RepeatedTask?
    private(set) var rtt: TimeAmount?
    private(set) var bytesIn = 0
    private(set) var bytesOut = 0
    private(set) var closeReason: String?
    private var tornDown = false
    /// The stream last reset for data that arrived after it closed.
    private var lastResetSent: UInt32?

    init(direction: Direction, localSite: String, tuning: RouterTuning, delegate: LinkSessionDelegate, logger: Logger, cost: Int = 1) {
        self.direction = direction
        self.cost = cost
        self.localSite = localSite
        self.tuning = tuning
        self.delegate = delegate
        self.logger = logger
        nextStreamID = direction == .incoming ? 2 : 1
    }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    /// Stops or resumes reading frames from the link (the router-wide buffer cap).
    func setReading(_ reading: Bool) {
        guard let channel = context?.channel else { return }
        channel.setOption(ChannelOptions.autoRead, value: reading).whenSuccess { if reading { channel.read() } }
    }
    var openFlows: Int { streams.count }
    var remoteAddress: String { context?.channel.remoteAddress?.description ?? "?" }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard keepalive == nil else { return }
        lastReceived = .now()
        sendJSON(LinkHello(site: localSite, protocolVersion: Int(WireFormat.version), edge: delegate?.isEdgeRouter ?? false,
                           cost: direction == .incoming ? nil : cost), as: Frame.hello)
        advertise()
        // Check often, ping once per interval: silence is caught within a quarter second of the timeout.
        let check = TimeAmount.milliseconds(Int64(min(tuning.keepaliveInterval, 0.25) * 1000))
        keepalive = context.eventLoop.scheduleRepeatedTask(initialDelay: check, delay: check) { [weak self] _ in
            self?.tick()
        }
    }

    /// Sends the routing keys reachable through this router (on start and whenever they change).
    func advertise() {
        sendJSON(RouteAdvert(keys: (delegate?.advertisedKeys(for: self) ?? []).sorted()), as: Frame.advert)
        flush()
    }

    /// Sends a link-state advert (this router's or one being flooded on).
    func sendLinkState(_ advert: LinkStateAdvert) {
        sendJSON(advert, as: Frame.linkState)
        flush()
    }

    private func tick() {
        let now = NIODeadline.now()
        if now - lastReceived > .milliseconds(Int64(tuning.keepaliveTimeout * 1000)) {
            logger.warning("link dead", metadata: ["peer": "\(remoteAddress)", "peerSite": "\(peerSite ?? "?")",
                                                   "reason": "no frame for \(tuning.keepaliveTimeout) s (keepalive)"])
            closeReason = "no frame from the peer for \(tuning.keepaliveTimeout) s (keepalive)"
            // Routing must stop using the link now, not when TLS has finished saying goodbye to a
            // peer that is not listening.
            tearDown()
            context?.close(promise: nil)
            return
        }
        if pingSentAt.map({ now - $0 >= .milliseconds(Int64(tuning.keepaliveInterval * 1000)) }) ?? true {
            pingSentAt = now
            send(.ping(ack: false, opaque: 0))
            flush()
        }
    }

    /// Resets every stream and reports the link down; runs once, whichever comes first.
    private func tearDown() {
        guard !tornDown else { return }
        tornDown = true
        keepalive?.cancel()
        keepalive = nil
        let open = streams.values
        streams = [:]
        for stream in open { stream.abort() }
        isUp = false
        delegate?.sessionDown(self, reason: closeReason ?? "connection closed")
    }

    func channelInactive(context: ChannelHandlerContext) {
        tearDown()
        self.context = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let frameError = error as? FrameError {
            logger.warning("link protocol error; closing", metadata: ["peer": "\(remoteAddress)", "error": "\(frameError)"])
            close(reason: "protocol error: \(frameError)", code: .protocolError)
        } else {
            if !isUp, error is NIOSSLError || error is BoringSSLError {
                logger.warning("refused a link handshake", metadata: ["peer": "\(remoteAddress)", "error": "\(error)"])
            }
            closeReason = closeReason ?? "\(error)"
            context.close(promise: nil)
        }
    }

    /// Closes the link: GO_AWAY, then the connection.
    func close(reason: String, code: LinkErrorCode) {
        guard let context else { return }
        closeReason = closeReason ?? reason
        send(.goAway(code))
        flush()
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            for stream in streams.values { stream.updateReading() }
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Frames in

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastReceived = .now()
        let frame = unwrapInboundIn(data)
        logger.trace("frame in", metadata: ["frame": "\(frame)"])
        switch frame {
        case .data(let id, let flags, let payload):
            bytesIn += payload.readableBytes
            receiveData(id, flags: flags, payload: payload)
        case .windowUpdate(let id, let delta):
            streams[id]?.grant(delta)
        case .open(let id, let key, let destination):
            acceptOpen(id, routingKey: key, destination: destination)
        case .ping(let ack, let opaque):
            if ack {
                if let sent = pingSentAt { rtt = .now() - sent }
            } else {
                send(.ping(ack: true, opaque: opaque))
            }
        case .goAway(let code):
            closeReason = "peer closed the link (\(code))"
            context.close(promise: nil)
        case .hello(let payload):
            guard let hello = decode(LinkHello.self, payload) else { return protocolViolation("unreadable hello") }
            peerSite = hello.site
            peerIsEdge = hello.edge ?? false
            if direction == .incoming, let cost = hello.cost { self.cost = max(1, cost) }
            isUp = true
            logger.info("link up", metadata: ["peer": "\(remoteAddress)", "peerSite": "\(hello.site)"])
            delegate?.sessionUp(self)
        case .advert(let payload):
            guard let advert = decode(RouteAdvert.self, payload) else { return protocolViolation("unreadable advert") }
            peerKeys = Set(advert.keys)
            delegate?.sessionKeysChanged(self)
        case .linkState(let payload):
            guard let advert = decode(LinkStateAdvert.self, payload) else { return protocolViolation("unreadable link-state advert") }
            guard advert.isWellFormed else { return protocolViolation("link-state advert beyond the limits") }
            delegate?.sessionReceivedLinkState(self, advert)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        for stream in streams.values { stream.flushTCP() }
        flush()
        context.fireChannelReadComplete()
    }

    private func receiveData(_ id: UInt32, flags: FrameFlags, payload: ByteBuffer) {
        guard let stream = streams[id] else {
            // A stream we already closed; tell the peer (once, as a payload may come in parts)
            // unless it is telling us.
            if !flags.contains(.rst), lastResetSent != id {
                lastResetSent = id
                send(.reset(id))
            }
            return
        }
        if flags.contains(.rst) {
            streams[id] = nil
            stream.abort()
            return
        }
        if !stream.receive(payload, fin: flags.contains(.fin)) {
            protocolViolation("stream \(id) overran its window")
        }
    }

    private func acceptOpen(_ id: UInt32, routingKey: String, destination: FlowDestination?) {
        guard streams[id] == nil, id % 2 != nextStreamID % 2 else { return protocolViolation("open of stream \(id) reuses an id") }
        guard streams.count < tuning.maxStreamsPerLink, let delegate else {
            send(.reset(id))
            return
        }
        let stream = FlowStream(id: id, routingKey: routingKey, session: self, counters: nil,
                                window: tuning.streamWindow, destination: destination)
        streams[id] = stream
        if !delegate.acceptStream(stream) {
            streams[id] = nil
            stream.abort()
            send(.reset(id))
        }
    }

    private func protocolViolation(_ message: String) {
        logger.warning("link protocol error; closing", metadata: ["peer": "\(remoteAddress)", "error": "\(message)"])
        close(reason: "protocol error: \(message)", code: .protocolError)
    }

    // MARK: Streams

    /// Opens a stream to the peer for a flow arriving at a listener; data may follow at once.
    /// `destination` names the router the flow is for when it may cross further links.
    func openStream(routingKey: String, destination: FlowDestination? = nil, counters: FlowCounters) -> FlowStream? {
        guard isUp, streams.count < tuning.maxStreamsPerLink else { return nil }
        let id = nextStreamID
        nextStreamID &+= 2
        let stream = FlowStream(id: id, routingKey: routingKey, session: self, counters: counters, window: tuning.streamWindow,
                                destination: destination)
        streams[id] = stream
        send(.open(stream: id, routingKey: routingKey, destination: destination))
        return stream
    }

    func removeStream(_ id: UInt32) {
        streams[id] = nil
    }

    // MARK: Frames out

    func send(_ frame: Frame) {
        guard let context else { return }
        logger.trace("frame out", metadata: ["frame": "\(frame)"])
        let (header, payload) = FrameEncoder.encode(frame, allocator: context.channel.allocator)
        context.write(wrapOutboundOut(header), promise: nil)
        if let payload {
            bytesOut += payload.readableBytes
            context.write(wrapOutboundOut(payload), promise: nil)
        }
        needsFlush = true
    }

    func flush() {
        guard needsFlush, let context else { return }
        needsFlush = false
        context.flush()
    }

    private func sendJSON<T: Encodable>(_ value: T, as make: (ByteBuffer) -> Frame) {
        guard let context, let data = try? JSONEncoder().encode(value) else { return }
        var buffer = context.channel.allocator.buffer(capacity: data.count)
        buffer.writeBytes(data)
        send(make(buffer))
    }

    private func decode<T: Decodable>(_ type: T.Type, _ payload: ByteBuffer) -> T? {
        try? JSONDecoder().decode(type, from: Data(payload.readableBytesView))
    }
}

extension LinkSession {
    typealias OutboundOut = ByteBuffer

    func wrapOutboundOut(_ value: ByteBuffer) -> NIOAny { NIOAny(value) }
}
