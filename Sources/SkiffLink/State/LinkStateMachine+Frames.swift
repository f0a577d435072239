import NIOCore

/// The peer's frames, one event each. A violation is returned, never acted on here: the session
/// closes the link with it (`close(reason:)`), so every close takes one path.
extension LinkStateMachine {
    package enum OnHello: Sendable, Hashable {
        case up(Peer)
        case violation(LinkViolation)
    }

    /// The peer's HELLO: every number in range, and the site it names the one its certificate names.
    package mutating func receivedHello(_ hello: LinkHello) -> OnHello {
        guard case .greeting(let identity) = phase else { return .violation(.secondHello) }
        if let problem = LinkHello.problem(hello) { return .violation(.hello(problem)) }
        // A session with no TLS beneath it (in memory) has no certificate to check; a router's links
        // always have one, and require it.
        let uncertifiedAccepted = identity == .uncertified && configuration.acceptsUncertifiedPeer
        if configuration.requiresIdentity || identity != nil, !uncertifiedAccepted,
           let problem = (identity ?? .noCertificate).problem(claiming: hello.site)
        {
            return .violation(.identity(problem))
        }
        let peer = Peer(site: hello.site, isEdge: hello.edge ?? false, version: hello.version, readsSummaries: hello.summaries ?? false)
        if !isDialler, let cost = hello.cost { self.cost = cost }
        parameters = StreamParameters(local: configuration, peer: hello)
        phase = .up(peer)
        return .up(peer)
    }

    /// Stream frames come after HELLO, which sets the parameters they depend on.
    private var streamFrameViolation: LinkViolation? {
        isUp ? nil : .streamFrameBeforeHello
    }

    package enum OnOpen: Sendable, Hashable {
        /// The stream is open: ask the router where it goes.
        case accept
        /// Too many streams: reset this one, the link lives on.
        case refuse
        case violation(LinkViolation)
    }

    /// The peer opens stream `id`.
    package mutating func receivedOpen(stream id: UInt32) -> OnOpen {
        if let violation = streamFrameViolation { return .violation(violation) }
        switch ids.peerOpens(id) {
        case .accept: break
        case .wrongParity: return .violation(.wrongParity(stream: id))
        case .reused(let last): return .violation(.reusedID(stream: id, last: last))
        }
        guard streams.count < configuration.maxStreams else { return .refuse }
        streams[id] = StreamState(parameters: parameters)
        return .accept
    }

    package enum OnData: Sendable, Hashable {
        /// Hand the payload to the stream (and, with `fin`, the peer's half-close after it).
        case deliver(fin: Bool)
        /// The peer reset the stream: it has ended (`StreamEnd`); close its connection.
        case abort(StreamEnd)
        /// The stream is not open (it ended here): tell the peer, once.
        case reset
        case ignore
        case violation(LinkViolation)
    }

    /// `count` payload bytes (or a FIN or RST) for stream `id`.
    package mutating func receivedData(stream id: UInt32, flags: FrameFlags, count: Int) -> OnData {
        if let violation = streamFrameViolation { return .violation(violation) }
        guard let stream = streams[id] else {
            guard !flags.contains(.rst), lastResetSent != id else { return .ignore }
            lastResetSent = id
            return .reset
        }
        if flags.contains(.rst) { return .abort(endStream(id)!) }
        if stream.lifecycle.remoteFinReceived { return .violation(.dataAfterFin(stream: id)) }
        guard withStream(id, { $0.received(count, fin: flags.contains(.fin)) }) == true else { return .violation(.windowOverrun(stream: id)) }
        return .deliver(fin: flags.contains(.fin))
    }

    package enum OnWindowUpdate: Sendable, Hashable {
        /// The stream may send more now.
        case send
        case ignore
        case violation(LinkViolation)
    }

    /// The peer grants stream `id` `delta` more bytes.
    package mutating func receivedWindowUpdate(stream id: UInt32, delta: UInt32) -> OnWindowUpdate {
        if let violation = streamFrameViolation { return .violation(violation) }
        // An increment of 0, or one that would overflow any window (all start at 16 KiB or more), is
        // wrong whatever the stream's state; otherwise the stream's own window decides.
        guard delta > 0, Int(delta) <= WireFormat.maxWindow - WireFormat.minimumWindow else {
            return .violation(.windowUpdate(stream: id, delta: delta))
        }
        guard let granted = withStream(id, { $0.granted(delta) }) else { return .ignore }
        guard granted else { return .violation(.windowUpdate(stream: id, delta: delta)) }
        return .send
    }

    package enum OnPing: Sendable, Hashable {
        case answer(opaque: UInt32)
        case none
    }

    /// A PING (or the answer to ours). While the link cannot write the answer is owed, not queued:
    /// only the latest one goes once it can.
    package mutating func receivedPing(ack: Bool, opaque: UInt32, at now: NIODeadline, linkWritable: Bool) -> OnPing {
        if ack {
            keepalive.pingAnswered(at: now)
            return .none
        }
        guard linkWritable else {
            owedPingAck = opaque
            return .none
        }
        return .answer(opaque: opaque)
    }
}
