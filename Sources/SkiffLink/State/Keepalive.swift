import NIOCore

/// A link's keepalive, as a pure value: every frame read is a sign of life; a link silent past
/// `timeout` is dead; while it can write, one PING goes per `interval` (a link that cannot write
/// is busy sending, or dead — a ping queued there would prove nothing).
///
/// Time is passed in (the loop's clock), so every deadline is tested without sleeping.
struct Keepalive: Sendable, Hashable {
    enum Action: Sendable, Hashable {
        case none
        case ping
        /// Nothing read for longer than the timeout.
        case declareDead
    }

    let interval: TimeAmount
    let timeout: TimeAmount
    private(set) var lastReceived: NIODeadline
    private(set) var pingSentAt: NIODeadline?
    /// The round trip of the last PING answered.
    private(set) var rtt: TimeAmount?

    init(interval: Double, timeout: Double, now: NIODeadline) {
        self.interval = .milliseconds(Int64(interval * 1000))
        self.timeout = .milliseconds(Int64(timeout * 1000))
        lastReceived = now
    }

    /// How often `tick` should run: often enough to catch silence within a quarter second of the
    /// timeout, and at least once per interval.
    var checkEvery: TimeAmount { min(interval, .milliseconds(250)) }

    /// A frame arrived.
    mutating func received(at now: NIODeadline) {
        lastReceived = now
    }

    /// The PING this side sent was answered.
    mutating func pingAnswered(at now: NIODeadline) {
        if let sent = pingSentAt { rtt = now - sent }
    }

    /// The timer fired: what the link must do now.
    mutating func tick(now: NIODeadline, canWrite: Bool) -> Action {
        if now - lastReceived > timeout { return .declareDead }
        guard canWrite, pingSentAt.map({ now - $0 >= interval }) ?? true else { return .none }
        pingSentAt = now
        return .ping
    }
}
