import NIOCore

/// Flow counters of one listener or connector (also a link's totals, and the flows sent toward one
/// destination router). Changed only on the router's event loop, by the flows it counts: every
/// change checks it (in debug builds, so in every test and sanitizer run).
package final class FlowCounters: @unchecked Sendable {
    package private(set) var open = 0
    package private(set) var total = 0
    package private(set) var bytesIn = 0
    package private(set) var bytesOut = 0
    /// The loop the counters are confined to (nil: counters of a test, touched from one thread).
    private let loop: EventLoop?

    package init(loop: EventLoop? = nil) {
        self.loop = loop
    }

    package func opened() {
        loop?.assertInEventLoop()
        open += 1
        total += 1
    }

    package func closed() {
        loop?.assertInEventLoop()
        open = max(0, open - 1)
    }

    /// `count` bytes came in from the flow's client (a listener's) or service (a connector's).
    package func received(_ count: Int) {
        loop?.assertInEventLoop()
        bytesIn += count
    }

    /// `count` bytes went out to the flow's client or service.
    package func sent(_ count: Int) {
        loop?.assertInEventLoop()
        bytesOut += count
    }
}
