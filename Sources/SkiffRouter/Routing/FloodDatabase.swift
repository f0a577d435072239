import Foundation
import SkiffLink
import SkiffRouterAPI

/// Every origin's latest flooded message (link-state advert, site summary), as this router knows
/// them. A value type with the clock passed in: accepting, replacing and ageing are pure decisions.
package struct FloodDatabase<Message: FloodedMessage & Hashable>: Sendable, Hashable {
    struct Entry: Sendable, Hashable {
        var message: Message
        var receivedAt: Date
    }

    /// A message not refreshed for this long is dropped (its origin refreshes well within it).
    package var maxAge: TimeInterval
    /// Most origins remembered; messages from further new origins are ignored.
    package static var maxOrigins: Int { 10_000 }
    private(set) var entries: [String: Entry] = [:]

    package init(maxAge: TimeInterval) {
        self.maxAge = maxAge
    }

    package var messages: [String: Message] { entries.mapValues(\.message) }

    package func message(from origin: String) -> Message? { entries[origin]?.message }

    /// When the message from `origin` arrived.
    package func receivedAt(_ origin: String) -> Date? { entries[origin]?.receivedAt }

    /// Stores `message` if it is newer than what is known from its origin; true when it was (and so
    /// must be flooded on).
    @discardableResult
    package mutating func accept(_ message: Message, now: Date) -> Bool {
        if let known = entries[message.origin], known.message.sequence >= message.sequence { return false }
        if entries[message.origin] == nil, entries.count >= Self.maxOrigins { return false }
        entries[message.origin] = Entry(message: message, receivedAt: now)
        return true
    }

    /// Drops messages older than `maxAge` (but never `keeping`, this router's own); returns the origins dropped.
    package mutating func expire(now: Date, keeping: String) -> [String] {
        let stale = entries.filter { $0.key != keeping && now.timeIntervalSince($0.value.receivedAt) > maxAge }.map(\.key)
        for origin in stale { entries[origin] = nil }
        return stale.sorted()
    }

    /// Forgets an origin (a router that left).
    package mutating func remove(_ origin: String) {
        entries[origin] = nil
    }
}

/// Every interior router's latest link-state advert.
package typealias LinkStateDatabase = FloodDatabase<LinkStateAdvert>

extension FloodDatabase where Message == LinkStateAdvert {
    package init() { self.init(maxAge: RouterTuning.defaults.advertMaxAge) }

    package var adverts: [String: LinkStateAdvert] { messages }

    package func advert(from origin: String) -> LinkStateAdvert? { message(from: origin) }
}
