import Foundation
import SkiffLink
import SkiffRouterAPI

/// Every interior router's latest advert, as this router knows them. A value type with the clock
/// passed in: accepting, replacing and ageing adverts are pure decisions.
public struct LinkStateDatabase: Sendable, Hashable {
    struct Entry: Sendable, Hashable {
        var advert: LinkStateAdvert
        var receivedAt: Date
    }

    /// An advert not refreshed for this long is dropped (its origin refreshes well within it).
    public var maxAge: TimeInterval
    /// Most routers remembered; adverts from further new origins are ignored.
    public static let maxOrigins = 10_000
    private(set) var entries: [String: Entry] = [:]

    public init(maxAge: TimeInterval = RouterTuning.defaults.advertMaxAge) {
        self.maxAge = maxAge
    }

    public var adverts: [String: LinkStateAdvert] { entries.mapValues(\.advert) }

    public func advert(from origin: String) -> LinkStateAdvert? { entries[origin]?.advert }

    /// Stores `advert` if it is newer than what is known from its origin; true when it was (and so
    /// must be flooded on and routes computed again).
    @discardableResult
    public mutating func accept(_ advert: LinkStateAdvert, now: Date) -> Bool {
        if let known = entries[advert.origin], known.advert.sequence >= advert.sequence { return false }
        if entries[advert.origin] == nil, entries.count >= Self.maxOrigins { return false }
        entries[advert.origin] = Entry(advert: advert, receivedAt: now)
        return true
    }

    /// Drops adverts older than `maxAge` (but never `keeping`, this router's own); returns the origins dropped.
    public mutating func expire(now: Date, keeping: String) -> [String] {
        let stale = entries.filter { $0.key != keeping && now.timeIntervalSince($0.value.receivedAt) > maxAge }.map(\.key)
        for origin in stale { entries[origin] = nil }
        return stale.sorted()
    }

    /// Forgets an origin (a router that left).
    public mutating func remove(_ origin: String) {
        entries[origin] = nil
    }
}
