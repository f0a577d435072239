import NIOCore

/// Capped exponential backoff for what the router retries by itself (dialling a link, binding a
/// listener): 0.5 s, doubling, at most 30 s. Pure: the attempt count in, the delay out.
struct Backoff: Sendable, Equatable {
    private(set) var attempt = 0

    static let first = 0.5
    static let cap = 30.0

    /// The delay before the next try, counting this failure.
    mutating func next() -> TimeAmount {
        let seconds = min(Self.cap, Self.first * Double(1 << min(attempt, 6)))
        attempt += 1
        return .milliseconds(Int64(seconds * 1000))
    }

    mutating func reset() { attempt = 0 }
}
