/// Flow counters of one listener or connector (also a link's totals, and the flows sent toward one
/// destination router). Touched only on the router's event loop, by the flows it counts.
package final class FlowCounters: @unchecked Sendable {
    package var open = 0
    package var total = 0
    package var bytesIn = 0
    package var bytesOut = 0

    package init() {}

    package func opened() {
        open += 1
        total += 1
    }

    package func closed() {
        open = max(0, open - 1)
    }
}
