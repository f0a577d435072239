import Foundation

/// Fixed-size storage that concurrent workers fill, one slot each (for `DispatchQueue.concurrentPerform`).
public final class ParallelResults<Value: Sendable>: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private var slots: [Value?]
    private let lock = NSLock()

    public init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    public subscript(index: Int) -> Value? {
        get { lock.withLock { slots[index] } }
        set { lock.withLock { slots[index] = newValue } }
    }

    /// The filled slots, in index order.
    public var values: [Value] { lock.withLock { slots.compactMap { $0 } } }
}
