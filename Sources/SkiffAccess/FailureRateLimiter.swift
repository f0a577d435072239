import Foundation

/// Counts failed redemptions per client address over a sliding minute. Past the limit, the address
/// is refused before its request is even looked at, so codes cannot be guessed at line speed.
/// Bounded: at most `maxAddresses` addresses are tracked; the stalest go first.
public struct FailureRateLimiter: Sendable {
    public let limit: Int
    public let window: TimeInterval
    public let maxAddresses: Int
    private var failures: [String: [Date]] = [:]

    public init(limit: Int, window: TimeInterval = 60, maxAddresses: Int = 10_000) {
        self.limit = limit
        self.window = window
        self.maxAddresses = maxAddresses
    }

    /// Whether `address` may try now.
    public mutating func allows(_ address: String, now: Date) -> Bool {
        prune(address, now: now)
        return (failures[address]?.count ?? 0) < limit
    }

    /// Records a failure of `address`.
    public mutating func recordFailure(_ address: String, now: Date) {
        prune(address, now: now)
        failures[address, default: []].append(now)
        if failures.count > maxAddresses {
            let stalest = failures.min { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) }
            if let stalest { failures.removeValue(forKey: stalest.key) }
        }
    }

    private mutating func prune(_ address: String, now: Date) {
        guard let times = failures[address] else { return }
        let recent = times.filter { now.timeIntervalSince($0) < window }
        failures[address] = recent.isEmpty ? nil : recent
    }
}
