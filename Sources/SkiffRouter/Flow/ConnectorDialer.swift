import CEpoll
import Foundation
import NIOConcurrencyHelpers
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Dials connectors' targets on a thread of its own, so that a new flow's `socket` and `connect`,
/// and the wait for the target's answer, cost the router's event loop nothing: the loop is handed
/// a connected socket and makes it a channel (`ClientBootstrap.withConnectedSocket`).
///
/// Why: under a stream of new connections the connector's router was the limit, its one loop busy
/// or waiting for a core nine tenths of the time, and dialling was 43% of it — on loopback the
/// whole TCP handshake runs inside `connect`, and NIO's `ClientBootstrap.connect` adds a channel
/// registration, a timeout task and a round of futures per dial. Here a dial is a `socket`, a
/// non-blocking `connect` and, when the target does not answer at once, a wait in this thread's
/// own epoll set, all off the loop; many dials share each wakeup of the thread.
///
/// A dial ends once: connected (the socket goes to the caller, out of this thread's epoll set),
/// failed (`IOError` with the errno of the refusal), timed out (`ChannelError.connectTimeout`),
/// cancelled (`DialCancelled`) or stopped with the dialler. The thread starts with the first dial
/// and ends with `stop`; bookkeeping is `DialTable`'s.
final class ConnectorDialer: @unchecked Sendable {
    /// A dial under way: the socket once connected, and how to call the dial off.
    struct Dial {
        let socket: EventLoopFuture<NIOBSDSocket.Handle>
        let cancel: @Sendable () -> Void
    }

    private struct Waiter {
        let promise: EventLoopPromise<NIOBSDSocket.Handle>
        let timeout: TimeAmount
    }

    private enum Command {
        case dial(DialID, SocketAddress, Waiter)
        case cancel(DialID)
    }

    private enum State {
        case idle
        case running(Descriptors)
        case stopping
        case stopped
    }

    /// The thread's epoll set, and the eventfd in it that wakes the thread for new commands.
    private struct Descriptors {
        let epoll: CInt
        let wakeup: CInt
    }

    private let lock = NIOLock()
    // Guarded by `lock`.
    private var state = State.idle
    private var inbox: [Command] = []
    private var lastID: UInt64 = 0

    // The thread's own.
    private var table = DialTable<Waiter>()
    private let finished = DispatchSemaphore(value: 0)

    init() {}

    /// Dials `address` from a thread of its own; the socket (non-blocking, no Nagle delay) comes
    /// back on `loop`. A dial not answered within `timeout` fails.
    func dial(_ address: SocketAddress, timeout: TimeAmount, on loop: EventLoop) -> Dial {
        let promise = loop.makePromise(of: NIOBSDSocket.Handle.self)
        let waiter = Waiter(promise: promise, timeout: timeout)
        let outcome: Result<(DialID, CInt?), Error> = lock.withLock {
            switch state {
            case .stopping, .stopped:
                return .failure(DialCancelled())
            case .idle:
                do {
                    let descriptors = try Self.makeDescriptors()
                    state = .running(descriptors)
                    let thread = Thread { [self] in self.run(descriptors) }
                    thread.start()
                } catch {
                    return .failure(error)
                }
            case .running:
                break
            }
            lastID += 1
            let id = DialID(value: lastID)
            return .success((id, enqueueLocked(.dial(id, address, waiter))))
        }
        switch outcome {
        case .failure(let error):
            promise.fail(error)
            return Dial(socket: promise.futureResult, cancel: {})
        case .success(let (id, wakeup)):
            if let wakeup { Self.wake(wakeup) }
            return Dial(socket: promise.futureResult, cancel: { [self] in self.cancel(id) })
        }
    }

    private func cancel(_ id: DialID) {
        if let wakeup = lock.withLock({ enqueueLocked(.cancel(id)) }) { Self.wake(wakeup) }
    }

    /// Queues `command` for a running thread (with `lock` held); the eventfd to wake it with when
    /// the thread needs waking — only for the first command since it last emptied the inbox.
    private func enqueueLocked(_ command: Command) -> CInt? {
        guard case .running(let descriptors) = state else { return nil }
        inbox.append(command)
        return inbox.count == 1 ? descriptors.wakeup : nil
    }

    /// Ends every dial under way (they fail with `DialCancelled`) and the thread, and waits for it.
    /// Dials asked for later fail at once.
    func stop() {
        let running: CInt? = lock.withLock {
            switch state {
            case .idle:
                state = .stopped
                return nil
            case .running(let descriptors):
                state = .stopping
                return descriptors.wakeup
            case .stopping, .stopped:
                return nil
            }
        }
        guard let running else { return }
        Self.wake(running)
        finished.wait()
    }

    // MARK: The thread

    private func run(_ descriptors: Descriptors) {
        _ = skiff_name_thread("skiff-dialer")
        let capacity = 64
        var events = [epoll_event](repeating: epoll_event(), count: capacity)
        while true {
            let ready = epoll_wait(descriptors.epoll, &events, CInt(capacity), Self.milliseconds(until: table.nextDeadline()))
            // Only a signal interrupts a valid wait; any other error is a bug in this file.
            precondition(ready >= 0 || errno == EINTR, "epoll_wait failed: errno \(errno)")
            for event in events.prefix(max(0, Int(ready))) {
                if event.data.fd == descriptors.wakeup {
                    var count: UInt64 = 0
                    _ = read(descriptors.wakeup, &count, MemoryLayout<UInt64>.size)
                } else {
                    answered(event.data.fd, epoll: descriptors.epoll)
                }
            }
            let (commands, stopping) = lock.withLock { () -> ([Command], Bool) in
                defer { inbox = [] }
                if case .stopping = state { return (inbox, true) }
                return (inbox, false)
            }
            if stopping { return shutDown(descriptors, abandoning: commands) }
            for command in commands {
                switch command {
                case .dial(let id, let address, let waiter): start(id, address, waiter, epoll: descriptors.epoll)
                case .cancel(let id): if let dial = table.cancel(id) { end(dial, DialCancelled()) }
                }
            }
            for dial in table.expire(now: .now()) { end(dial, ChannelError.connectTimeout(dial.waiter.timeout)) }
        }
    }

    private func start(_ id: DialID, _ address: SocketAddress, _ waiter: Waiter, epoll: CInt) {
        let socket = Glibc.socket(CInt(address.protocol.rawValue), CInt(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { return waiter.promise.fail(IOError(errnoCode: errno, reason: "socket")) }
        var one: CInt = 1
        _ = setsockopt(socket, CInt(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<CInt>.size))
        let connected = address.withSockAddr { Glibc.connect(socket, $0, socklen_t($1)) }
        let error = connected == 0 ? 0 : errno
        // EINTR: the connection goes on in the background, as with EINPROGRESS.
        guard error == EINPROGRESS || error == EINTR else { return Self.settle(socket, waiter, error: error) }
        // A target on this host has usually answered by now (loopback runs the whole handshake
        // inside `connect`): one poll settles the dial without the epoll set's add, wait and remove.
        if let error = Self.answer(socket) { return Self.settle(socket, waiter, error: error) }
        var event = epoll_event(events: EPOLLOUT.rawValue, data: epoll_data_t(fd: socket))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event) == 0 else {
            let error = errno
            close(socket)
            return waiter.promise.fail(IOError(errnoCode: error, reason: "epoll_ctl"))
        }
        table.add(.init(id: id, socket: socket, deadline: .now() + waiter.timeout, waiter: waiter))
    }

    /// The socket is writable: connected, or failed with the error it holds.
    private func answered(_ socket: CInt, epoll: CInt) {
        guard let dial = table.settle(socket: socket) else { return }
        let error = Self.connectError(socket)
        if error == 0 {
            // Out of this set before the caller's loop registers it in its own.
            var unused = epoll_event()
            _ = epoll_ctl(epoll, EPOLL_CTL_DEL, socket, &unused)
        }
        Self.settle(socket, dial.waiter, error: error)
    }

    /// A dial's end once its connect answered: the socket to the caller when `error` is 0, else
    /// closed (which takes it out of any epoll set) and the dial failed with the target's words.
    private static func settle(_ socket: CInt, _ waiter: Waiter, error: CInt) {
        guard error != 0 else { return waiter.promise.succeed(socket) }
        close(socket)
        waiter.promise.fail(IOError(errnoCode: error, reason: "connect"))
    }

    /// How a connect under way ended, by a poll that does not wait: nil while it goes on, 0 when
    /// it connected (writable with no error or hang-up: the error needs no asking), else its error.
    private static func answer(_ socket: CInt) -> CInt? {
        var descriptor = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
        guard poll(&descriptor, 1, 0) == 1 else { return nil }
        return descriptor.revents & Int16(POLLERR | POLLHUP) == 0 ? 0 : connectError(socket)
    }

    /// The error an ended connect left on `socket`; 0 when it connected.
    private static func connectError(_ socket: CInt) -> CInt {
        var error: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        if getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length) != 0 { error = errno }
        return error
    }

    /// A dial that did not connect: its socket closes (which takes it out of the epoll set).
    private func end(_ dial: DialTable<Waiter>.Dial, _ error: Error) {
        close(dial.socket)
        dial.waiter.promise.fail(error)
    }

    private func shutDown(_ descriptors: Descriptors, abandoning commands: [Command]) {
        for dial in table.removeAll() { end(dial, DialCancelled()) }
        for case .dial(_, _, let waiter) in commands { waiter.promise.fail(DialCancelled()) }
        close(descriptors.epoll)
        close(descriptors.wakeup)
        lock.withLock { state = .stopped }
        finished.signal()
    }

    // MARK: Descriptors

    private static func makeDescriptors() throws -> Descriptors {
        let epoll = epoll_create1(CInt(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw IOError(errnoCode: errno, reason: "epoll_create1") }
        let wakeup = eventfd(0, CInt(EFD_CLOEXEC | EFD_NONBLOCK))
        guard wakeup >= 0 else {
            let error = errno
            close(epoll)
            throw IOError(errnoCode: error, reason: "eventfd")
        }
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: wakeup))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, wakeup, &event) == 0 else {
            let error = errno
            close(epoll)
            close(wakeup)
            throw IOError(errnoCode: error, reason: "epoll_ctl")
        }
        return Descriptors(epoll: epoll, wakeup: wakeup)
    }

    private static func wake(_ eventfd: CInt) {
        var one: UInt64 = 1
        _ = write(eventfd, &one, MemoryLayout<UInt64>.size)
    }

    /// epoll_wait's timeout for `deadline`: -1 for none, rounded up so a wait never ends early.
    static func milliseconds(until deadline: NIODeadline?) -> CInt {
        guard let deadline else { return -1 }
        let now = NIODeadline.now().uptimeNanoseconds
        let nanoseconds = deadline.uptimeNanoseconds > now ? deadline.uptimeNanoseconds - now : 0
        return CInt(min((nanoseconds + 999_999) / 1_000_000, UInt64(Int32.max)))
    }
}

/// A connector dial called off: its flow ended first, or the router is stopping.
struct DialCancelled: Error, CustomStringConvertible {
    var description: String { "the dial was cancelled" }
}
