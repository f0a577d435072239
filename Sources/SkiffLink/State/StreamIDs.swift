/// A link's stream ids, as a pure value: which ids this side opens (odd for the dialler, even for
/// the acceptor, so the two sides never collide), and which ids the peer may still open.
///
/// Ids only grow on both sides, so an id, once used, is never taken for another stream; when this
/// side runs past the last id it opens no more streams (the link closes once its flows end and
/// is dialled again, with fresh ids).
struct StreamIDs: Sendable, Hashable {
    /// What an OPEN from the peer means.
    enum PeerOpen: Sendable, Hashable {
        case accept
        /// The id has this side's parity: only this side opens those.
        case wrongParity
        /// The id is not above the last one the peer opened.
        case reused(last: UInt32)
    }

    /// The next id this side opens (UInt64, so running past the last id cannot wrap).
    private(set) var next: UInt64
    /// The highest id the peer opened.
    private(set) var lastPeer: UInt32 = 0

    /// The dialler opens odd ids, the acceptor even ones.
    init(dialler: Bool) {
        next = dialler ? 1 : 2
    }

    /// This side has no id left to open.
    var exhausted: Bool { next > UInt64(WireFormat.maxStreamID) }

    /// An id for a stream this side opens; nil once they are used up.
    mutating func allocate() -> UInt32? {
        guard !exhausted else { return nil }
        defer { next += 2 }
        return UInt32(next)
    }

    /// The peer opens `id`: accepted ids are remembered, so the same id is refused next time.
    mutating func peerOpens(_ id: UInt32) -> PeerOpen {
        guard UInt64(id) % 2 != next % 2 else { return .wrongParity }
        guard id > lastPeer else { return .reused(last: lastPeer) }
        lastPeer = id
        return .accept
    }

    /// Starts this side's ids at `id` (tests start a link near the end of the id space).
    mutating func skip(to id: UInt32) {
        next = UInt64(id)
    }
}
