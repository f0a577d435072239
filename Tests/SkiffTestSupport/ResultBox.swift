import Foundation

/// A result handed from a background thread to the test that waits for it.
public final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: [String: Any]?
    public init() {}
    public func set(_ value: [String: Any]?) { lock.withLock { self.value = value } }
    public func get() -> [String: Any]? { lock.withLock { value } }

    private var collected: [String] = []
    /// Collects results from several threads.
    public func append(_ item: String) { lock.withLock { collected.append(item) } }
    public var items: [String] { lock.withLock { collected } }
}
