import NIOCore
@testable import SkiffLink
import Testing

/// The link's pure state: stream ids, keepalive deadlines, the send order of a link that drains.
/// In memory, no channel and no clock but the one passed in.
@Suite("Link state machines")
struct LinkStateMachineTests {
    // MARK: Stream ids

    @Test("the dialler opens odd ids and the acceptor even ones, each 2 apart")
    func parity() {
        var dialler = StreamIDs(dialler: true), acceptor = StreamIDs(dialler: false)
        #expect([dialler.allocate(), dialler.allocate(), dialler.allocate()] == [1, 3, 5])
        #expect([acceptor.allocate(), acceptor.allocate()] == [2, 4])
    }

    @Test("an open from the peer must have the peer's parity and a higher id than any before")
    func peerOpens() {
        var ids = StreamIDs(dialler: false)  // the peer dials: its ids are odd
        #expect(ids.peerOpens(1) == .accept)
        #expect(ids.peerOpens(7) == .accept)
        #expect(ids.peerOpens(7) == .reused(last: 7))
        #expect(ids.peerOpens(5) == .reused(last: 7))
        #expect(ids.peerOpens(8) == .wrongParity)
        #expect(ids.peerOpens(9) == .accept && ids.lastPeer == 9)
    }

    @Test("the last id is used once; after it this side opens nothing, never wrapping to a used id")
    func exhaustion() {
        var ids = StreamIDs(dialler: true)
        ids.skip(to: WireFormat.maxStreamID - 2)
        #expect(ids.allocate() == WireFormat.maxStreamID - 2)
        #expect(ids.allocate() == WireFormat.maxStreamID)
        #expect(ids.exhausted)
        #expect(ids.allocate() == nil && ids.allocate() == nil)
        #expect(ids.peerOpens(WireFormat.maxStreamID - 1) == .accept, "the peer's ids are its own")
    }

    // MARK: Keepalive

    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    static func at(_ seconds: Double) -> NIODeadline { start + .milliseconds(Int64(seconds * 1000)) }

    @Test("one ping per interval while the link can write; none while it cannot")
    func pings() {
        var keepalive = Keepalive(interval: 1, timeout: 3, now: Self.start)
        #expect(keepalive.checkEvery == .milliseconds(250))
        #expect(keepalive.tick(now: Self.at(0.25), canWrite: true) == .ping)
        #expect(keepalive.tick(now: Self.at(0.5), canWrite: true) == .none, "within the interval")
        keepalive.received(at: Self.at(0.6))
        #expect(keepalive.tick(now: Self.at(1.25), canWrite: true) == .ping)
        keepalive.received(at: Self.at(1.3))
        #expect(keepalive.tick(now: Self.at(2.5), canWrite: false) == .none, "a link that cannot write queues no ping")
        #expect(keepalive.tick(now: Self.at(2.75), canWrite: true) == .ping)
    }

    @Test("silence past the timeout is death, whether or not the link can write; any frame read is life")
    func death() {
        var keepalive = Keepalive(interval: 1, timeout: 3, now: Self.start)
        #expect(keepalive.tick(now: Self.at(2.9), canWrite: false) == .none)
        #expect(keepalive.tick(now: Self.at(3.1), canWrite: false) == .declareDead)
        keepalive.received(at: Self.at(3.1))
        #expect(keepalive.tick(now: Self.at(6.0), canWrite: true) != .declareDead)
        #expect(keepalive.tick(now: Self.at(6.2), canWrite: true) == .declareDead)
    }

    @Test("an answered ping gives the round trip; an answer with no ping sent gives none")
    func roundTrip() {
        var keepalive = Keepalive(interval: 1, timeout: 3, now: Self.start)
        keepalive.pingAnswered(at: Self.at(0.1))
        #expect(keepalive.rtt == nil)
        _ = keepalive.tick(now: Self.at(0.25), canWrite: true)
        keepalive.pingAnswered(at: Self.at(0.262))
        #expect(keepalive.rtt == .milliseconds(12))
    }

    // MARK: Stream lifecycle

    @Test("a clean end, this side first: the FIN waits for the bytes before it, goes once; the end comes with the peer's FIN and the output's close")
    func localFinFirst() {
        var stream = StreamLifecycle()
        stream.inputEnded()
        let early = stream.takeFin(nothingWaiting: false), fin = stream.takeFin(nothingWaiting: true)
        let second = stream.takeFin(nothingWaiting: true)
        #expect(!early && fin && !second, "the FIN waits for the bytes before it, and goes once")
        #expect(!stream.isFinished)
        let closedTooSoon = stream.takeOutputClose()
        #expect(!closedTooSoon, "the output stays open until the peer's FIN")
        let peerFin = stream.receivedFin()
        #expect(peerFin && !stream.isFinished, "the output is not closed yet")
        let closes = [stream.takeOutputClose(), stream.takeOutputClose()]
        #expect(closes == [true, false])
        #expect(stream.isFinished)
        let ends = [stream.close(), stream.close()]
        #expect(ends == [true, false], "ends once")
        #expect(!stream.isFinished)
    }

    @Test("a clean end, the peer first: its FIN half-closes the output; ours follows when our input ends")
    func remoteFinFirst() {
        var stream = StreamLifecycle()
        let tooEarly = stream.takeFin(nothingWaiting: true)
        #expect(!tooEarly, "no FIN before our input ends")
        let peerFin = stream.receivedFin(), closed = stream.takeOutputClose()
        #expect(peerFin && closed && !stream.isFinished)
        stream.inputEnded()
        let fin = stream.takeFin(nothingWaiting: true)
        #expect(fin && stream.isFinished)
    }

    @Test("RST (or link loss) in every state ends the stream once; after it nothing is sent, half-closed or finished", arguments: 0...4)
    func resetInEveryState(steps: Int) {
        var stream = StreamLifecycle()
        let events: [(inout StreamLifecycle) -> Void] = [
            { $0.inputEnded() },
            { _ = $0.takeFin(nothingWaiting: true) },
            { $0.receivedFin() },
            { _ = $0.takeOutputClose() },
        ]
        for event in events.prefix(steps) { event(&stream) }
        let ends = [stream.close(), stream.close()]
        #expect(ends == [true, false], "ends once, whatever state it was in")
        stream.inputEnded()
        let after = [stream.takeFin(nothingWaiting: true), stream.receivedFin(), stream.takeOutputClose()]
        #expect(after == [false, false, false])
        #expect(!stream.isFinished && stream.isClosed)
    }

    // MARK: Send order

    @Test("a link that drains serves streams that sent less than a quantum before those that used a whole one")
    func smallBeforeBulk() throws {
        var scheduler = SendScheduler()
        scheduler.wait(1, usedQuantum: true)
        scheduler.wait(3, usedQuantum: true)
        scheduler.wait(5, usedQuantum: false)
        scheduler.wait(1, usedQuantum: false)  // already queued: keeps its place
        scheduler.wait(7, usedQuantum: false)
        scheduler.remove(3)
        var order: [UInt32] = []
        while let id = scheduler.next() { order.append(id) }
        #expect(order == [5, 7, 1])
        #expect(scheduler.isEmpty)
        for id in stride(from: UInt32(1), to: 2_001, by: 2) { scheduler.wait(id, usedQuantum: true) }
        for id in stride(from: UInt32(1), to: 1_999, by: 2) { scheduler.remove(id) }
        #expect(scheduler.count == 1 && scheduler.next() == 1_999 && scheduler.next() == nil)
    }

}
