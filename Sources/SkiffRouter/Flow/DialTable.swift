import HeapModule
import NIOCore

/// Names one dial for its cancellation; never reused within a dialler.
struct DialID: Hashable, Comparable, Sendable {
    let value: UInt64
    static func < (a: DialID, b: DialID) -> Bool { a.value < b.value }
}

/// The dials in flight on a `ConnectorDialer`'s thread, by socket, until each connects, fails,
/// times out or is cancelled — whichever comes first, once. Bookkeeping only, no system calls,
/// so every way a dial ends is testable without sockets.
struct DialTable<Waiter> {
    struct Dial {
        let id: DialID
        let socket: CInt
        let deadline: NIODeadline
        let waiter: Waiter
    }

    private struct Expiry: Comparable {
        let deadline: NIODeadline
        let id: DialID
        static func < (a: Expiry, b: Expiry) -> Bool { (a.deadline, a.id) < (b.deadline, b.id) }
    }

    private var bySocket: [CInt: Dial] = [:]
    private var socketByID: [DialID: CInt] = [:]
    /// Every dial's deadline, earliest first. A dial that ended another way leaves its entry here
    /// until it reaches the top (ids are never reused, so a stale entry cannot end a newer dial).
    private var expiries = Heap<Expiry>()

    var count: Int { bySocket.count }

    mutating func add(_ dial: Dial) {
        precondition(bySocket[dial.socket] == nil, "socket \(dial.socket) is already being dialled")
        bySocket[dial.socket] = dial
        socketByID[dial.id] = dial.socket
        expiries.insert(Expiry(deadline: dial.deadline, id: dial.id))
    }

    /// The socket answered (connected or failed): its dial ends, unless it already had.
    mutating func settle(socket: CInt) -> Dial? {
        guard let dial = bySocket.removeValue(forKey: socket) else { return nil }
        socketByID[dial.id] = nil
        return dial
    }

    /// The dial is no longer wanted: it ends, unless it already had.
    mutating func cancel(_ id: DialID) -> Dial? {
        guard let socket = socketByID[id] else { return nil }
        return settle(socket: socket)
    }

    /// The dials whose deadline is `now` or earlier, earliest first; they end.
    mutating func expire(now: NIODeadline) -> [Dial] {
        var ended: [Dial] = []
        while let first = expiries.min, first.deadline <= now {
            expiries.removeMin()
            if let socket = socketByID[first.id], let dial = settle(socket: socket) { ended.append(dial) }
        }
        return ended
    }

    /// When the earliest dial still in flight times out; nil when none is.
    mutating func nextDeadline() -> NIODeadline? {
        while let first = expiries.min {
            if socketByID[first.id] != nil { return first.deadline }
            expiries.removeMin()
        }
        return nil
    }

    /// Every dial still in flight; they end.
    mutating func removeAll() -> [Dial] {
        let all = bySocket.values.sorted { $0.id < $1.id }
        bySocket = [:]
        socketByID = [:]
        expiries = Heap()
        return all
    }
}
