import NIOCore

/// Which stream sends next when a link that was full drains: a pure queue of stream ids.
///
/// Two classes, served in order: streams that started waiting since they last sent a whole
/// quantum (a request, a reply, a flow whose credit just came back) go before streams that used
/// their whole quantum and still have bytes (bulk). Within each class it is first come, first
/// served. So a small message waits behind at most the link's own queue and the other small
/// messages, not behind one quantum of every busy stream; and bulk streams still share the link
/// round-robin, a quantum per visit.
struct SendScheduler {
    private struct Entry {
        var id: UInt32
        var ticket: UInt64
    }

    private var fresh = CircularBuffer<Entry>()
    private var busy = CircularBuffer<Entry>()
    /// The ids queued, each with the ticket of its one live entry: an entry whose ticket is not
    /// the id's current one (the stream was removed, or served and queued again) is skipped.
    private var queued: [UInt32: UInt64] = [:]
    private var nextTicket: UInt64 = 0

    var isEmpty: Bool { queued.isEmpty }
    var count: Int { queued.count }

    /// `id` has bytes the link could not take. `usedQuantum`: it just sent a whole quantum, so it
    /// goes behind the streams that did not. A stream already queued keeps its place.
    mutating func wait(_ id: UInt32, usedQuantum: Bool) {
        guard queued[id] == nil else { return }
        let entry = Entry(id: id, ticket: nextTicket)
        nextTicket += 1
        queued[id] = entry.ticket
        if usedQuantum { busy.append(entry) } else { fresh.append(entry) }
    }

    /// The next stream to serve, out of the queue (it queues itself again if bytes are left).
    mutating func next() -> UInt32? {
        while let entry = fresh.popFirst() ?? busy.popFirst() {
            if queued[entry.id] == entry.ticket {
                queued[entry.id] = nil
                return entry.id
            }
        }
        return nil
    }

    /// `id` ended: it is not served again.
    mutating func remove(_ id: UInt32) {
        guard queued.removeValue(forKey: id) != nil else { return }
        // Its entry stays in a queue until reached; bound that garbage by the live count.
        if fresh.count + busy.count > 2 * queued.count + 64 { compact() }
    }

    private mutating func compact() {
        let live = queued
        fresh = CircularBuffer(fresh.filter { live[$0.id] == $0.ticket })
        busy = CircularBuffer(busy.filter { live[$0.id] == $0.ticket })
    }
}
