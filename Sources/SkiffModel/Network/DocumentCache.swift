import Foundation

/// Documents already read and validated, by file path and exact text, shared between loads: the
/// two commits `skiff plan --base` compares mostly hold the same documents, and each is read once.
/// A document's result does not depend on anything outside its text and its site folder (the path),
/// so a hit is exactly what reading it again would give, its lines shifted to where it now stands.
public final class DocumentCache: @unchecked Sendable {
    struct Key: Hashable {
        var path: String
        var text: [UInt8]

        /// The text hashed as one run of bytes (an array of bytes hashes byte by byte).
        func hash(into hasher: inout Hasher) {
            hasher.combine(path)
            text.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    /// One document's reading: what it decoded to and the findings, with lines as they were where
    /// it was first read (`lineOffset` lines into its file), and the nodes it cost (each file's
    /// budget is checked on the sum).
    struct Entry {
        var decoded: [ResourceDecoder.Decoded]
        var diagnostics: [Diagnostic]
        var nodes: Int
        var lineOffset: Int
    }

    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]
    private var counts = (hits: 0, misses: 0)

    public init() {}

    /// Documents read from the cache, and read afresh, since it was made.
    public var statistics: (hits: Int, misses: Int) { lock.withLock { counts } }

    func entry(_ key: Key, read: () -> Entry?) -> Entry? {
        if let found = lock.withLock({ entries[key] }) {
            lock.withLock { counts.hits += 1 }
            return found
        }
        // Read outside the lock: two threads may read one document twice, never block each other.
        guard let entry = read() else { return nil }
        lock.withLock {
            counts.misses += 1
            entries[key] = entry
        }
        return entry
    }
}
