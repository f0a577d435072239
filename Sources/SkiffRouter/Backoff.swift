import NIOCore

/// Capped exponential backoff for what the router retries by itself (dialling a link, binding a
/// listener): 0.5 s, doubling, at most `cap` (30 s by default). Pure: the attempt count in, the delay out.
struct Backoff: Sendable, Equatable {
    private(set) var attempt = 0
    let cap: Double

    static let first = 0.5

    init(cap: Double = 30) {
        self.cap = cap
    }

    /// Links are dialled again at most this long after a failure: a peer behind a partition that
    /// heals is linked again within seconds, at the price of one SYN every few seconds while it lasts.
    static let linkCap = 4.0

    /// The delay before the next try, counting this failure.
    mutating func next() -> TimeAmount {
        let seconds = min(cap, Self.first * Double(1 << min(attempt, 6)))
        attempt += 1
        return .milliseconds(Int64(seconds * 1000))
    }

    mutating func reset() { attempt = 0 }
}
