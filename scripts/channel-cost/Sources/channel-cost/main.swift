// channel-cost nio|raw|hop PORT: a server on 127.0.0.1:PORT that answers each connection's first
// read with a 100-byte HTTP/1.0 page, half-closes, and closes when the client does — the life of
// one short flow's connection at a router. `nio`: a NIO channel per connection on one event loop
// (what a Skiff router makes per flow); `raw`: non-blocking sockets on an epoll set of its own, one
// thread; `hop`: the raw sockets on their thread, every request handed to a NIO event loop and its
// answer handed back (batched, one hop each way per round), as a router's flows would be if they
// were raw sockets beside links that stay NIO channels. The differences in CPU per connection are
// what flows that are not NIO channels would save, on the loop or on a thread of their own.
import CSocketBench
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

let page: [UInt8] = Array("HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 100)

/// Says `message` on standard error and exits with `code`.
func fail(_ message: String, code: Int32) -> Never {
    var line = message + "\n"
    _ = line.withUTF8 { write(2, $0.baseAddress, $0.count) }
    exit(code)
}

guard CommandLine.arguments.count == 3, let port = Int(CommandLine.arguments[2]), ["nio", "raw", "hop"].contains(CommandLine.arguments[1]) else {
    fail("usage: channel-cost nio|raw|hop PORT", code: 2)
}

/// Answers the first read with the page and half-closes; NIO closes once the client has too.
final class PageHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        answered = true
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: page)), promise: nil)
        context.close(mode: .output, promise: nil)
    }
}

func serveWithNIO(port: Int) throws -> Never {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let server = try ServerBootstrap(group: group)
        .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
        .serverChannelOption(ChannelOptions.backlog, value: 4096)
        .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
        .childChannelInitializer { child in child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(PageHandler()) } }
        .bind(host: "127.0.0.1", port: port).wait()
    try server.closeFuture.wait()
    exit(0)
}

/// A listening socket on 127.0.0.1:`port`, non-blocking, in a new epoll set: (listener, epoll).
func listenRaw(port: Int) -> (CInt, CInt) {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue), 0)
    var one: Int32 = 1
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(listener, 4096) == 0 else {
        fail("channel-cost: cannot listen on 127.0.0.1:\(port): errno \(errno)", code: 1)
    }
    let epoll = epoll_create1(0)
    var listening = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: listener))
    epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &listening)
    return (listener, epoll)
}

/// Where a raw server's requests go to be answered: at once on its own thread (`nil`), or by a
/// NIO event loop and back (`Relay`), as a router's flows would if they were raw sockets on a
/// thread of their own while its links stay NIO channels on the loop.
final class Relay: @unchecked Sendable {
    let loop: EventLoop
    let doorbell = eventfd(0, CInt(EFD_NONBLOCK))
    private let lock = NIOLock()
    // Guarded by lock. By descriptor: `ab` waits for every answer, so no connection closes (and
    // no descriptor is reused) while its answer is on the way.
    private var answers: [CInt] = []

    init(loop: EventLoop) { self.loop = loop }

    /// From the raw thread: one hop to the loop for every request of one epoll round.
    func send(_ requests: [CInt]) {
        loop.execute { self.answer(requests) }
    }

    /// On the loop: the answers go back in one batch, with one wakeup of the raw thread.
    private func answer(_ requests: [CInt]) {
        let wake = lock.withLock {
            answers.append(contentsOf: requests)
            return answers.count == requests.count
        }
        if wake {
            var one: UInt64 = 1
            _ = write(doorbell, &one, MemoryLayout<UInt64>.size)
        }
    }

    /// On the raw thread, woken by the doorbell: the connections whose answers are ready.
    func take() -> [CInt] {
        var count: UInt64 = 0
        _ = read(doorbell, &count, MemoryLayout<UInt64>.size)
        return lock.withLock {
            defer { answers = [] }
            return answers
        }
    }
}

func serveRaw(port: Int, relay: Relay?) -> Never {
    let (listener, epoll) = listenRaw(port: port)
    if let relay {
        var ringing = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: relay.doorbell))
        epoll_ctl(epoll, EPOLL_CTL_ADD, relay.doorbell, &ringing)
    }
    var events = [epoll_event](repeating: epoll_event(), count: 256)
    var buffer = [UInt8](repeating: 0, count: 16 << 10)
    var answered = Set<Int32>()
    func respond(_ fd: CInt) {
        _ = page.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        shutdown(fd, Int32(SHUT_WR))
    }
    while true {
        let ready = epoll_wait(epoll, &events, Int32(events.count), -1)
        var requests: [CInt] = []
        for event in events.prefix(max(0, Int(ready))) {
            let fd = event.data.fd
            if fd == listener {
                while case let client = bench_accept_nonblocking(listener), client >= 0 {
                    var reading = epoll_event(events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue, data: epoll_data_t(fd: client))
                    epoll_ctl(epoll, EPOLL_CTL_ADD, client, &reading)
                }
                continue
            }
            if let relay, fd == relay.doorbell {
                relay.take().forEach(respond)
                continue
            }
            let count = read(fd, &buffer, buffer.count)
            if count > 0, answered.insert(fd).inserted {
                if relay == nil { respond(fd) } else { requests.append(fd) }
            } else if count == 0 || (count < 0 && errno != EAGAIN) {
                answered.remove(fd)
                close(fd)  // leaves the epoll set with it
            }
        }
        if let relay, !requests.isEmpty { relay.send(requests) }
    }
}

switch CommandLine.arguments[1] {
case "nio": try serveWithNIO(port: port)
case "hop": serveRaw(port: port, relay: Relay(loop: MultiThreadedEventLoopGroup(numberOfThreads: 1).next()))
default: serveRaw(port: port, relay: nil)
}
