// channel-cost nio|raw PORT: a one-thread server on 127.0.0.1:PORT that answers each connection's
// first read with a 100-byte HTTP/1.0 page, half-closes, and closes when the client does — the
// life of one short flow's connection at a router. `nio`: a NIO channel per connection (what a
// Skiff router makes per flow); `raw`: non-blocking sockets on an epoll set of its own. The
// difference in CPU per connection is what flows that are not NIO channels would save.
import CSocketBench
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

guard CommandLine.arguments.count == 3, let port = Int(CommandLine.arguments[2]), ["nio", "raw"].contains(CommandLine.arguments[1]) else {
    fail("usage: channel-cost nio|raw PORT", code: 2)
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

func serveRaw(port: Int) -> Never {
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
    var events = [epoll_event](repeating: epoll_event(), count: 256)
    var buffer = [UInt8](repeating: 0, count: 16 << 10)
    var answered = Set<Int32>()
    while true {
        let ready = epoll_wait(epoll, &events, Int32(events.count), -1)
        for event in events.prefix(max(0, Int(ready))) {
            let fd = event.data.fd
            if fd == listener {
                while case let client = bench_accept_nonblocking(listener), client >= 0 {
                    var reading = epoll_event(events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue, data: epoll_data_t(fd: client))
                    epoll_ctl(epoll, EPOLL_CTL_ADD, client, &reading)
                }
                continue
            }
            let count = read(fd, &buffer, buffer.count)
            if count > 0, answered.insert(fd).inserted {
                _ = page.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                shutdown(fd, Int32(SHUT_WR))
            } else if count == 0 || (count < 0 && errno != EAGAIN) {
                answered.remove(fd)
                close(fd)  // leaves the epoll set with it
            }
        }
    }
}

if CommandLine.arguments[1] == "nio" { try serveWithNIO(port: port) } else { serveRaw(port: port) }
