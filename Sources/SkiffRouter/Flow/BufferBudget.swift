/// The router-wide cap on bytes held for delivery: received from links and not yet taken by the
/// local TCP connections. Past `high` the router stops reading from every link (TCP backpressure
/// holds the rest at the senders); below `low` it reads again. Per-stream windows bound one flow;
/// this bounds them all together. Used only on the router's event loop.
final class BufferBudget: @unchecked Sendable {
    let high: Int
    let low: Int
    private(set) var held = 0
    private(set) var paused = false
    /// Called with true when reading from links must stop, false when it may resume.
    var onChange: (Bool) -> Void = { _ in }

    init(high: Int) {
        self.high = high
        self.low = high / 2
    }

    func add(_ count: Int) {
        held += count
        if !paused, held > high {
            paused = true
            onChange(true)
        }
    }

    func remove(_ count: Int) {
        held = max(0, held - count)
        if paused, held < low {
            paused = false
            onChange(false)
        }
    }
}
