import NIOCore
@testable import SkiffRouter
import Testing

/// The connector dialler's bookkeeping, without sockets: each dial ends once, by whichever of
/// answer, cancellation, timeout or stop comes first.
@Suite("Connector dials: the table of dials in flight")
struct DialTableTests {
    typealias Table = DialTable<String>
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    func dial(_ id: UInt64, socket: CInt, after seconds: Int64) -> Table.Dial {
        .init(id: DialID(value: id), socket: socket, deadline: start + .seconds(seconds), waiter: "dial \(id)")
    }

    @Test("a dial ends once: answered, cancelled or timed out, whichever comes first")
    func endsOnce() {
        var table = Table()
        table.add(dial(1, socket: 10, after: 1))
        table.add(dial(2, socket: 11, after: 2))
        table.add(dial(3, socket: 12, after: 3))
        #expect(table.settle(socket: 11)?.waiter == "dial 2")
        #expect(table.settle(socket: 11) == nil, "answered twice")
        #expect(table.cancel(DialID(value: 2)) == nil, "cancelled after it was answered")
        #expect(table.cancel(DialID(value: 1))?.waiter == "dial 1")
        #expect(table.expire(now: start + .seconds(5)).map(\.waiter) == ["dial 3"], "only the dial still in flight times out")
        #expect(table.count == 0)
        #expect(table.nextDeadline() == nil)
        #expect(table.settle(socket: 12) == nil, "a timed-out dial's socket answering late ends nothing")
    }

    @Test("the next deadline skips dials that already ended; expiry goes earliest first and leaves later ones")
    func deadlines() {
        var table = Table()
        table.add(dial(1, socket: 10, after: 3))
        table.add(dial(2, socket: 11, after: 1))
        table.add(dial(3, socket: 12, after: 2))
        #expect(table.nextDeadline() == start + .seconds(1))
        _ = table.settle(socket: 11)
        #expect(table.nextDeadline() == start + .seconds(2), "an answered dial's deadline no longer counts")
        #expect(table.expire(now: start + .seconds(1)).isEmpty)
        #expect(table.expire(now: start + .seconds(2)).map(\.waiter) == ["dial 3"], "a deadline reached is a deadline passed")
        #expect(table.count == 1)
        #expect(table.expire(now: start + .seconds(10)).map(\.waiter) == ["dial 1"])
    }

    @Test("a socket number used again after its dial ended starts a new dial, untouched by the old one's deadline")
    func socketReused() {
        var table = Table()
        table.add(dial(1, socket: 10, after: 1))
        _ = table.settle(socket: 10)
        table.add(dial(2, socket: 10, after: 5))
        #expect(table.expire(now: start + .seconds(2)).isEmpty, "the first dial's deadline ends nothing")
        #expect(table.cancel(DialID(value: 1)) == nil)
        #expect(table.settle(socket: 10)?.waiter == "dial 2")
    }

    @Test("stopping ends every dial in flight, in the order they were asked for")
    func removeAll() {
        var table = Table()
        for id in [3, 1, 2] as [UInt64] { table.add(dial(id, socket: CInt(id) + 20, after: Int64(id))) }
        #expect(table.removeAll().map(\.waiter) == ["dial 1", "dial 2", "dial 3"])
        #expect(table.count == 0 && table.nextDeadline() == nil)
    }

    @Test("epoll's wait for a deadline: -1 without one, 0 once passed, rounded up to whole milliseconds")
    func waitMilliseconds() {
        #expect(ConnectorDialer.milliseconds(until: nil) == -1)
        #expect(ConnectorDialer.milliseconds(until: .now() - .seconds(1)) == 0)
        let soon = ConnectorDialer.milliseconds(until: .now() + .microseconds(1_500))
        #expect(soon == 2 || soon == 1, "\(soon)")
    }
}
