import SkiffTelemetry

/// A message flooded through the network (a link-state advert, a site summary): the newest
/// `sequence` from an `origin` replaces every older one.
package protocol FloodedMessage: Codable, Sendable {
    var origin: String { get }
    var sequence: UInt64 { get }
}

extension LinkStateAdvert: FloodedMessage {}
extension SiteSummary: FloodedMessage {}

/// What waits to be flooded to one peer: the newest message of each origin, drained in origin order
/// so what goes out is reproducible.
package struct FloodQueue<Message: FloodedMessage>: Sendable {
    private var pending: [String: Message] = [:]

    package init() {}

    package var isEmpty: Bool { pending.isEmpty }

    /// Queues `message` unless a message as new from its origin waits already. True when the queue
    /// was empty: the caller then arranges one drain for everything queued until it runs.
    package mutating func queue(_ message: Message) -> Bool {
        let wasEmpty = pending.isEmpty
        if let queued = pending[message.origin], queued.sequence >= message.sequence { return wasEmpty }
        pending[message.origin] = message
        return wasEmpty
    }

    package mutating func drain() -> [Message] {
        defer { pending = [:] }
        return pending.values.sorted { $0.origin < $1.origin }
    }
}
