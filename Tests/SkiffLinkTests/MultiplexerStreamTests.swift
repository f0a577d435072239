import NIOCore
@testable import SkiffLink
import Testing

/// The multiplexer's streams, in memory: windows exhausted and refilled, FIN and RST in every
/// state, id exhaustion, a stream whose link ends while its connector is dialled, the send order of
/// a link that drains.
@Suite("Multiplexer: streams")
struct MultiplexerStreamTests {
    let k = 1 << 10

    /// A link up with "east": initial windows of `window` on both sides, the peer's largest frame `maxFrame`.
    func up(window: Int = 64 << 10, maxFrame: Int = 16 << 10, dialler: Bool = true) -> LinkStateMachine {
        var configuration = LinkConfiguration.defaults
        configuration.initialWindow = window
        return MultiplexerLinkTests.up(configuration, dialler: dialler, hello: MultiplexerLinkTests.hello(window: window, maxFrame: maxFrame))
    }

    /// Sends everything the stream may in one turn of `quantum` on a writable link: the frame sizes.
    func sendTurn(_ machine: inout LinkStateMachine, _ id: UInt32, available: Int, quantum: Int = .max) -> [Int] {
        var frames: [Int] = [], sent = 0, left = available
        while case let count = machine.nextFrame(on: id, available: left, sent: sent, quantum: quantum), count > 0 {
            frames.append(count)
            sent += count
            left -= count
        }
        return frames
    }

    // MARK: Sending

    @Test("the send window: exhausted, nothing more goes; refilled by WINDOW_UPDATE, the rest follows in frames of the peer's maximum")
    func sendWindowExhaustedAndRefilled() throws {
        var machine = up()
        let id = try #require(on { machine.openStream() })
        #expect(on { machine.queue(100 * k, on: id) })
        #expect(on { sendTurn(&machine, id, available: 100 * k) } == [16 * k, 16 * k, 16 * k, 16 * k], "64 KiB: the window")
        #expect(on { machine.nextFrame(on: id, available: 36 * k, sent: 0, quantum: .max) } == 0, "exhausted")
        #expect(on { machine.reading(on: id, linkWritable: true) } == .init(wanted: false, allowance: 0), "no read while bytes wait")
        #expect(on { machine.receivedWindowUpdate(stream: id, delta: UInt32(20 * k)) } == .send)
        #expect(on { sendTurn(&machine, id, available: 36 * k) } == [16 * k, 4 * k])
        #expect(on { machine.receivedWindowUpdate(stream: id, delta: UInt32(64 * k)) } == .send)
        #expect(on { sendTurn(&machine, id, available: 16 * k) } == [16 * k])
        #expect(machine.streams[id]?.queued == 0 && machine.streams[id]?.sendWindow == 48 * k)
        #expect(on { machine.reading(on: id, linkWritable: true) } == .init(wanted: true, allowance: 48 * k), "reads again, up to the window")
    }

    @Test("a WINDOW_UPDATE past 2^31-1 on an open stream is a violation; 0 is one on any stream")
    func windowUpdateLimits() throws {
        var machine = up()
        let id = try #require(on { machine.openStream() })
        #expect(on { machine.receivedWindowUpdate(stream: id, delta: UInt32(Int32.max) - UInt32(32 * k)) }
            == .violation(.windowUpdate(stream: id, delta: UInt32(Int32.max) - UInt32(32 * k))))
        #expect(on { machine.receivedWindowUpdate(stream: 99, delta: 0) } == .violation(.windowUpdate(stream: 99, delta: 0)))
    }

    @Test("a turn sends at most its quantum; bytes left wait for the link to drain, small senders served before bulk")
    func drainOrder() throws {
        var machine = up(window: 1 << 20, maxFrame: 64 << 10)
        let bulk = try #require(on { machine.openStream() }), small = try #require(on { machine.openStream() })
        #expect(on { machine.queue(200 * k, on: bulk) } && on { machine.queue(1 * k, on: small) })
        let quantum = LinkStateMachine.drainQuantum
        #expect(on { sendTurn(&machine, bulk, available: 200 * k, quantum: quantum) } == [64 * k])
        #expect(!on { machine.sendTurnEnded(on: bulk, sent: 64 * k, quantum: quantum, linkWritable: true) }, "no FIN: input goes on")
        // The link filled before the small stream's turn: it sent nothing.
        #expect(!on { machine.sendTurnEnded(on: small, sent: 0, quantum: .max, linkWritable: false) })
        _ = machine.becameWritable()
        #expect(on { machine.nextToSend() } == small && on { machine.nextToSend() } == bulk && on { machine.nextToSend() } == nil)
    }

    @Test("while the link cannot write a bulk stream stops reading and a small one reads what is left of its quantum; both wake when it drains")
    func readingWhileFull() throws {
        var machine = up(window: 1 << 20, maxFrame: 64 << 10)
        let bulk = try #require(on { machine.openStream() }), quiet = try #require(on { machine.openStream() })
        #expect(on { machine.queue(64 * k, on: bulk) })
        #expect(on { sendTurn(&machine, bulk, available: 64 * k) } == [64 * k])
        #expect(on { machine.reading(on: bulk, linkWritable: false) } == .init(wanted: false, allowance: 0))
        #expect(on { machine.reading(on: quiet, linkWritable: false) } == .init(wanted: true, allowance: LinkStateMachine.drainQuantum))
        #expect(on { machine.becameWritable() }.resumeReading == [bulk])
        #expect(on { machine.reading(on: bulk, linkWritable: false) }.wanted, "a new round: its quantum is whole again")
    }

    @Test("bulk streams share what a link reads at once: one reads its whole window, eight a quarter MiB each; small reads and ends stop counting")
    func readShare() throws {
        var machine = up(window: 4 << 20, maxFrame: 1 << 20)
        let ids = try (0..<9).map { _ in try #require(on { machine.openStream() }) }
        func allowance(_ id: UInt32) -> Int { on { machine.reading(on: id, linkWritable: true) }.allowance }
        /// Stream `id` reads `count` bytes and sends them all.
        func read(_ count: Int, on id: UInt32) {
            #expect(on { machine.queue(count, on: id) })
            _ = sendTurn(&machine, id, available: count)
        }
        #expect(allowance(ids[0]) == 2 << 20, "no bulk reader yet: the whole budget (the window is larger)")
        read(1 << 20, on: ids[0])
        #expect(allowance(ids[0]) == 2 << 20, "one bulk stream: the budget, more than one read's 1 MiB")
        for id in ids[1..<8] { read(1 << 20, on: id) }
        #expect(ids.map(allowance) == Array(repeating: 256 << 10, count: 9), "eight bulk streams: 2 MiB / 8 each, the quiet one too")
        read(1 << 20, on: ids[8])
        #expect(allowance(ids[8]) == 256 << 10, "nine: never below the minimum")
        read(10 * k, on: ids[8])
        read(10 * k, on: ids[7])
        #expect(allowance(ids[0]) == 2 << 20 / 7, "a small read (a tail, a request) stops a stream counting")
        for id in ids[0..<5] { #expect(on { machine.endStream(id) } != nil) }
        #expect(allowance(ids[5]) == 1 << 20, "ended streams stop counting: two left")
    }

    @Test("the streams that sent in a drain round are known, so a link that fills re-examines only them, not every idle stream")
    func sendersThisRound() throws {
        var machine = up(window: 1 << 20, maxFrame: 64 << 10)
        let ids = try (0..<4).map { _ in try #require(on { machine.openStream() }) }
        #expect(machine.sendersThisRound.isEmpty)
        for id in ids[0..<2] {
            #expect(on { machine.queue(10 * k, on: id) })
            _ = sendTurn(&machine, id, available: 10 * k)
        }
        #expect(machine.sendersThisRound == Set(ids[0..<2]), "idle streams are not among them")
        #expect(on { machine.endStream(ids[0]) } != nil)
        #expect(machine.sendersThisRound == [ids[1]], "an ended stream leaves")
        _ = on { machine.becameWritable() }
        #expect(machine.sendersThisRound.isEmpty, "a new round")
    }

    // MARK: Receiving

    @Test("the receive window: the peer may send exactly its credit; credit goes back as bytes are consumed; a byte past it is a violation")
    func receiveWindow() throws {
        var machine = up(dialler: false)
        #expect(on { machine.receivedOpen(stream: 1) } == .accept)
        #expect(on { machine.receivedData(stream: 1, flags: [], count: 64 * k) } == .deliver(fin: false))
        #expect(on { machine.grantCredit(on: 1, budgetRoom: .max) }?.amount == 0, "nothing consumed, nothing due")
        #expect(on { machine.consumed(64 * k, on: 1) } == 0, "within its own share: nothing of the budget to release")
        let grant = try #require(on { machine.grantCredit(on: 1, budgetRoom: .max) })
        #expect(grant.amount == 128 * k && grant.reserved == 64 * k, "refilled, and doubled (its reader keeps up) from the budget")
        #expect(on { machine.receivedData(stream: 1, flags: [], count: 128 * k) } == .deliver(fin: false))
        #expect(on { machine.receivedData(stream: 1, flags: [], count: 1) } == .violation(.windowOverrun(stream: 1)))
    }

    @Test("a grant that finds no budget queues the stream once; the budget's call-back clears it")
    func budgetWait() throws {
        var machine = up(dialler: false)
        #expect(on { machine.receivedOpen(stream: 1) } == .accept)
        #expect(on { machine.receivedData(stream: 1, flags: [], count: 64 * k) } == .deliver(fin: false))
        _ = machine.consumed(64 * k, on: 1)
        #expect(on { machine.grantCredit(on: 1, budgetRoom: .max) }?.amount == 128 * k, "grown to 128 KiB, 64 KiB of it from the budget")
        #expect(on { machine.receivedData(stream: 1, flags: [], count: 128 * k) } == .deliver(fin: false))
        _ = machine.consumed(128 * k, on: 1)
        let short = try #require(on { machine.grantCredit(on: 1, budgetRoom: 0) })
        #expect(short.amount == 64 * k && short.queueForBudget, "its own share goes back; the rest waits for room")
        #expect(machine.streams[1]?.waitingForBudget == true)
        #expect(on { machine.grantCredit(on: 1, budgetRoom: 0) }?.queueForBudget == false, "already queued")
        machine.budgetHadRoom(on: 1)
        #expect(machine.streams[1]?.waitingForBudget == false)
        #expect(on { machine.grantCredit(on: 1, budgetRoom: .max) }?.amount == 192 * k, "the 64 KiB due, and the window grows again")
    }

    // MARK: FIN and RST

    /// The states a stream passes through on its way to a clean end, each reached from the last.
    enum State: String, CaseIterable, Sendable {
        case open, finPending, finSent, peerFin, outputClosed
    }

    /// A stream (opened by the peer, id 1) brought to `state`, with 10 bytes queued on the way.
    func stream(in state: State) -> LinkStateMachine {
        var machine = up(dialler: false)
        _ = machine.receivedOpen(stream: 1)
        let steps: [(inout LinkStateMachine) -> Void] = [
            { _ = $0.queue(10, on: 1); $0.inputEnded(on: 1) },
            { _ = $0.nextFrame(on: 1, available: 10, sent: 0, quantum: .max); _ = $0.sendTurnEnded(on: 1, sent: 10, quantum: .max, linkWritable: true) },
            { _ = $0.receivedData(stream: 1, flags: .fin, count: 0) },
            { _ = $0.takeOutputClose(on: 1) },
        ]
        for step in steps.prefix(State.allCases.firstIndex(of: state)!) { step(&machine) }
        return machine
    }

    @Test("a clean end: our FIN after the bytes before it, the peer's FIN, the output closed — then finished, and ended once")
    func cleanEnd() {
        var machine = stream(in: .finPending)
        #expect(!on { machine.sendTurnEnded(on: 1, sent: 0, quantum: .max, linkWritable: true) }, "10 bytes still wait")
        #expect(on { machine.nextFrame(on: 1, available: 10, sent: 0, quantum: .max) } == 10)
        #expect(on { machine.sendTurnEnded(on: 1, sent: 10, quantum: .max, linkWritable: true) }, "now the FIN")
        #expect(!on { machine.sendTurnEnded(on: 1, sent: 0, quantum: .max, linkWritable: true) }, "once")
        #expect(on { machine.receivedData(stream: 1, flags: .fin, count: 0) } == .deliver(fin: true) && !machine.isFinished(1))
        #expect(on { machine.takeOutputClose(on: 1) } && !on { machine.takeOutputClose(on: 1) } && machine.isFinished(1))
        #expect(on { machine.endStream(1) } == .init(released: 0, closeLink: false) && on { machine.endStream(1) } == nil)
    }

    @Test("RST from the peer in every state ends the stream at once; its next frames draw one RST, then nothing", arguments: State.allCases)
    func resetInEveryState(state: State) {
        var machine = stream(in: state)
        #expect(on { machine.receivedData(stream: 1, flags: .rst, count: 0) } == .abort(.init(released: 0, closeLink: false)))
        #expect(machine.streams[1] == nil && !machine.isFinished(1))
        #expect(on { machine.receivedData(stream: 1, flags: [], count: 5) } == .reset)
        #expect(on { machine.receivedData(stream: 1, flags: .fin, count: 0) } == .ignore)
        #expect(!on { machine.queue(5, on: 1) } && on { machine.consumed(5, on: 1) } == 0 && on { machine.grantCredit(on: 1, budgetRoom: .max) } == nil)
    }

    @Test("data or a second FIN after the peer's FIN is a violation, in every state that follows it",
          arguments: [State.peerFin, .outputClosed])
    func dataAfterFin(state: State) {
        var first = stream(in: state), second = stream(in: state)
        #expect(on { first.receivedData(stream: 1, flags: [], count: 1) } == .violation(.dataAfterFin(stream: 1)))
        #expect(on { second.receivedData(stream: 1, flags: .fin, count: 0) } == .violation(.dataAfterFin(stream: 1)))
    }

    @Test("our end in every state (TCP failed, router refused) releases what the stream held and ends it once", arguments: State.allCases)
    func localEndInEveryState(state: State) {
        var machine = stream(in: state)
        if !machine.streams[1]!.lifecycle.remoteFinReceived {
            #expect(on { machine.receivedData(stream: 1, flags: [], count: 64 * k) } == .deliver(fin: false))
            _ = machine.consumed(64 * k, on: 1)
            _ = machine.grantCredit(on: 1, budgetRoom: .max)  // 64 KiB of growth drawn from the budget
        }
        let drawn = machine.streams[1]!.receive.budgetUse
        #expect(on { machine.endStream(1) } == .init(released: drawn, closeLink: false))
        #expect(on { machine.endStream(1) } == nil && machine.streams.isEmpty)
    }

    // MARK: Ids and lifetimes

    @Test("the last id is used once; the link then opens nothing and asks to close once its last stream ends")
    func idExhaustion() throws {
        var machine = up()
        machine.skipStreamIDs(to: WireFormat.maxStreamID - 2)
        let a = try #require(on { machine.openStream() }), b = try #require(on { machine.openStream() })
        #expect([a, b] == [WireFormat.maxStreamID - 2, WireFormat.maxStreamID] && machine.idsExhausted)
        #expect(on { machine.openStream() } == nil)
        #expect(on { machine.endStream(a) }?.closeLink == false, "one stream is left")
        #expect(on { machine.endStream(b) }?.closeLink == true)
    }

    @Test("a stream whose link ends while its connector is dialled: early bytes held, the link torn down, every later event on it a no-op")
    func abortDuringDial() throws {
        var machine = up(dialler: false)
        #expect(on { machine.receivedOpen(stream: 1) } == .accept)
        #expect(on { machine.receivedData(stream: 1, flags: [], count: 11) } == .deliver(fin: false))
        #expect(machine.streams[1]?.receive.held == 11)
        let torn = try #require(on { machine.tearDown() })
        #expect(torn.streams == [1])
        #expect(!on { machine.queue(5, on: 1) } && on { machine.nextFrame(on: 1, available: 5, sent: 0, quantum: .max) } == 0)
        #expect(on { machine.consumed(11, on: 1) } == 0 && on { machine.grantCredit(on: 1, budgetRoom: .max) } == nil)
        #expect(on { machine.reading(on: 1, linkWritable: true) } == .init(wanted: false, allowance: 0))
        #expect(!on { machine.takeOutputClose(on: 1) } && on { machine.endStream(1) } == nil)
    }
}
