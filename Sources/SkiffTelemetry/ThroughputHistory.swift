#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Bytes per second per service and per link, sampled every few seconds into fixed rings: the
/// console's Throughput view. Memory is bounded by series × capacity (1,000 services and 100
/// links over 15 minutes at 5 s: about 0.9 MB); a series that stayed at zero for a whole window
/// and is no longer reported is forgotten.
public struct ThroughputHistory: Sendable {
    /// One series: a ring of samples, the oldest overwritten.
    struct Ring: Sendable {
        var samples: [Float]
        var next = 0
        var count = 0
        var lastNonZero = 0

        init(capacity: Int) { samples = Array(repeating: 0, count: capacity) }

        mutating func append(_ value: Double, tick: Int) {
            samples[next] = Float(value)
            next = (next + 1) % samples.count
            count = min(count + 1, samples.count)
            if value > 0 { lastNonZero = tick }
        }

        /// The newest `limit` samples, oldest first.
        func values(limit: Int) -> [Double] {
            let take = min(limit, count)
            return (0..<take).map { Double(samples[(next - take + $0 + samples.count) % samples.count]) }
        }
    }

    public let capacity: Int
    public let interval: TimeInterval
    private(set) var services: [String: Ring] = [:]
    private(set) var links: [String: (forward: Ring, back: Ring)] = [:]
    /// When each sample was taken, in the same ring order.
    private var timeValues: [Date] = []
    private var ticks = 0

    public init(interval: TimeInterval, window: TimeInterval = 900) {
        self.interval = interval
        capacity = max(2, Int((window / interval).rounded(.up)))
    }

    /// Records one sample of every series from `view`; series it does not name get zero.
    public mutating func record(_ view: NetworkView) {
        ticks += 1
        timeValues.append(view.generatedAt)
        if timeValues.count > capacity { timeValues.removeFirst(timeValues.count - capacity) }
        let serviceRates = Dictionary(view.services.map { ($0.routingKey, $0.rate) }, uniquingKeysWith: +)
        for key in Set(services.keys).union(serviceRates.keys) {
            services[key, default: Ring(capacity: capacity)].append(serviceRates[key] ?? 0, tick: ticks)
        }
        let linkRates = Dictionary(view.links.map { ($0.id, ($0.rateForward, $0.rateBack)) }, uniquingKeysWith: { a, _ in a })
        for id in Set(links.keys).union(linkRates.keys) {
            var rings = links[id] ?? (Ring(capacity: capacity), Ring(capacity: capacity))
            rings.forward.append(linkRates[id]?.0 ?? 0, tick: ticks)
            rings.back.append(linkRates[id]?.1 ?? 0, tick: ticks)
            links[id] = rings
        }
        services = services.filter { serviceRates[$0.key] != nil || ticks - $0.value.lastNonZero < capacity }
        links = links.filter { linkRates[$0.key] != nil || ticks - max($0.value.forward.lastNonZero, $0.value.back.lastNonZero) < capacity }
    }

    /// The last `seconds` of history: every link, and the services named (or, with none named, the
    /// `top` busiest over the window).
    public func report(seconds: TimeInterval, services names: [String] = [], top: Int = 10) -> ThroughputReport {
        let limit = max(1, min(capacity, Int((seconds / interval).rounded(.up))))
        let chosen: [String] = names.isEmpty
            ? services.map { ($0.key, $0.value.values(limit: limit).reduce(0, +)) }
                .filter { $0.1 > 0 }.sorted { ($1.1, $0.0) < ($0.1, $1.0) }.prefix(max(0, top)).map(\.0)
            : names.filter { services[$0] != nil }
        return ThroughputReport(
            formatVersion: NetworkView.formatVersion, interval: interval, times: Array(timeValues.suffix(limit)),
            services: Dictionary(uniqueKeysWithValues: chosen.map { ($0, services[$0]!.values(limit: limit)) }),
            links: links.mapValues { ThroughputReport.Pair(forward: $0.forward.values(limit: limit), back: $0.back.values(limit: limit)) })
    }
}

/// A window of throughput history (`/api/v1/throughput`): one sample per `interval` seconds, oldest
/// first, at `times`; bytes per second per service (both ways) and per link (`from>to`: forward is
/// from → to).
public struct ThroughputReport: Codable, Sendable, Hashable {
    public struct Pair: Codable, Sendable, Hashable {
        public var forward: [Double]
        public var back: [Double]
    }

    public var formatVersion: Int
    public var interval: Double
    public var times: [Date]
    public var services: [String: [Double]]
    public var links: [String: Pair]

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", interval, times, services, links
    }
}
