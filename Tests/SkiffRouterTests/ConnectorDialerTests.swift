import Foundation
import NIOCore
import NIOPosix
@testable import SkiffRouter
import SkiffTestSupport
import Testing

/// The connector dialler against real loopback sockets: what a caller gets back, and every way a
/// dial ends — connected, refused, timed out, cancelled, stopped — with the kernel's table of
/// sockets (`/proc/net/tcp{,6}`) as the witness that nothing is left half-open.
@Suite("Connector dials: the dialler's thread against real sockets")
struct ConnectorDialerTests {
    @Test("a dial hands back a connected socket that is non-blocking, without Nagle's delay, and carries bytes")
    func connects() throws {
        try withDialer { dialer, loop in
            let listener = try RawListener(backlog: 16)
            let socket = try dialer.dial(listener.address, timeout: .seconds(2), on: loop).socket.wait()
            defer { close(socket) }
            let peer = try #require(listener.accept(), "the listener took the connection")
            defer { close(peer) }
            #expect(try Self.localPort(socket) == Self.peerPort(peer), "the socket handed back is the connection the listener took")
            #expect(fcntl(socket, F_GETFL) & O_NONBLOCK != 0, "non-blocking, as NIO needs it")
            var noDelay: CInt = 0
            var length = socklen_t(MemoryLayout<CInt>.size)
            #expect(getsockopt(socket, CInt(IPPROTO_TCP), TCP_NODELAY, &noDelay, &length) == 0 && noDelay == 1)
            #expect(write(socket, "ping", 4) == 4)
            var bytes = [UInt8](repeating: 0, count: 8)
            #expect(read(peer, &bytes, 8) == 4 && Array(bytes.prefix(4)) == Array("ping".utf8))
        }
    }

    @Test("over IPv6 too", .enabled(if: RawListener.hasIPv6Loopback))
    func ipv6() throws {
        try withDialer { dialer, loop in
            let listener = try RawListener(backlog: 4, ipv6: true)
            let socket = try dialer.dial(listener.address, timeout: .seconds(2), on: loop).socket.wait()
            close(socket)
            let peer = try #require(listener.accept())
            close(peer)
        }
    }

    @Test("a refusal fails the dial with the target's words, and blames the target")
    func refused() throws {
        try withDialer { dialer, loop in
            let reserved = try RawListener(backlog: nil)  // bound, not listening: the kernel refuses
            let error = try #require(throws: (any Error).self) {
                try dialer.dial(reserved.address, timeout: .seconds(2), on: loop).socket.wait()
            }
            #expect(ConnectFailure(error, target: "127.0.0.1:\(reserved.port)")
                == .unreachable("cannot connect to 127.0.0.1:\(reserved.port): connection refused (nothing listens there)"))
        }
    }

    @Test("a target that never answers times out after the connector's timeout, and its half-open socket is closed")
    func timesOut() throws {
        try withDialer { dialer, loop in
            let full = try RawListener.full(dialer: dialer, loop: loop)
            defer { full.release() }
            let started = NIODeadline.now()
            let error = try #require(throws: (any Error).self) {
                try dialer.dial(full.listener.address, timeout: .milliseconds(400), on: loop).socket.wait()
            }
            let waited = Double((NIODeadline.now() - started).nanoseconds) / 1e9
            #expect(waited >= 0.39 && waited < 1.5, "timed out after \(waited) s")
            #expect(ConnectFailure(error, target: "t") == .unreachable("cannot connect to t: timed out (nothing answered)"))
            #expect(RawListener.halfOpen(to: full.listener.port) == 0, "the timed-out dial's socket is closed")
        }
    }

    @Test("cancelling a dial under way ends it at once, as a cancellation that blames no one, and closes its socket")
    func cancel() throws {
        try withDialer { dialer, loop in
            let full = try RawListener.full(dialer: dialer, loop: loop)
            defer { full.release() }
            let dial = dialer.dial(full.listener.address, timeout: .seconds(10), on: loop)
            #expect(eventually(timeout: 3) { RawListener.halfOpen(to: full.listener.port) == 1 }, "the dial waits for an answer")
            let started = NIODeadline.now()
            dial.cancel()
            let error = try #require(throws: (any Error).self) { try dial.socket.wait() }
            #expect(error is DialCancelled && ConnectFailure(error, target: "t") == .cancelled)
            #expect(NIODeadline.now() - started < .seconds(2))
            #expect(RawListener.halfOpen(to: full.listener.port) == 0)
            dial.cancel()  // once more, after it ended: nothing happens
        }
    }

    @Test("stopping ends the dials under way and refuses new ones at once")
    func stop() throws {
        try withDialer { dialer, loop in
            let full = try RawListener.full(dialer: dialer, loop: loop)
            defer { full.release() }
            let pending = (0..<3).map { _ in dialer.dial(full.listener.address, timeout: .seconds(10), on: loop) }
            #expect(eventually(timeout: 3) { RawListener.halfOpen(to: full.listener.port) == 3 })
            dialer.stop()
            for dial in pending { #expect(throws: DialCancelled.self) { try dial.socket.wait() } }
            #expect(RawListener.halfOpen(to: full.listener.port) == 0)
            #expect(throws: DialCancelled.self) { try dialer.dial(full.listener.address, timeout: .seconds(1), on: loop).socket.wait() }
            dialer.stop()  // twice: nothing happens
        }
    }

    @Test("500 dials asked for at once all connect, each to its own connection")
    func many() throws {
        try withDialer { dialer, loop in
            let listener = try RawListener(backlog: 1024)
            let dials = (0..<500).map { _ in dialer.dial(listener.address, timeout: .seconds(5), on: loop) }
            let sockets = try dials.map { try $0.socket.wait() }
            defer { sockets.forEach { close($0) } }
            var peers: [CInt] = []
            defer { peers.forEach { close($0) } }
            while peers.count < 500, let peer = listener.accept() { peers.append(peer) }
            #expect(peers.count == 500)
            #expect(Set(try sockets.map(Self.localPort)) == Set(try peers.map(Self.peerPort)), "every dial is one of the connections taken")
        }
    }

    // MARK: Helpers

    /// A dialler and a loop for its answers; the dialler stops before the loop does.
    func withDialer(_ body: (ConnectorDialer, EventLoop) throws -> Void) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let dialer = ConnectorDialer()
        defer { dialer.stop() }
        try body(dialer, group.next())
    }

    static func localPort(_ socket: CInt) throws -> Int { try port(socket, getsockname) }
    static func peerPort(_ socket: CInt) throws -> Int { try port(socket, getpeername) }

    static func port(_ socket: CInt, _ name: (CInt, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> CInt) throws -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { name(socket, $0, &length) } }
        guard result == 0 else { throw IOError(errnoCode: errno, reason: "getsockname") }
        // The port sits at the same place in sockaddr_in and sockaddr_in6, in network byte order.
        return withUnsafeBytes(of: &storage) { Int(UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self))) }
    }
}

/// A listening (or only bound) TCP socket on loopback that accepts only when asked.
final class RawListener {
    let socket: CInt
    let port: Int
    let address: SocketAddress

    /// `backlog` nil: bound but not listening, so connections to it are refused.
    init(backlog: CInt?, ipv6: Bool = false) throws {
        let host = ipv6 ? "::1" : "127.0.0.1"
        var address = try SocketAddress(ipAddress: host, port: 0)
        let socket = Glibc.socket(ipv6 ? AF_INET6 : AF_INET, CInt(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        guard address.withSockAddr({ bind(socket, $0, socklen_t($1)) }) == 0, backlog.map({ listen(socket, $0) == 0 }) ?? true else {
            let error = errno
            close(socket)
            throw IOError(errnoCode: error, reason: "bind or listen")
        }
        self.socket = socket
        port = try ConnectorDialerTests.localPort(socket)
        address = try SocketAddress(ipAddress: host, port: port)
        self.address = address
    }

    deinit { close(socket) }

    /// The next connection, waiting at most 2 s for one.
    func accept() -> CInt? {
        var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 2000) == 1 else { return nil }
        let peer = Glibc.accept(socket, nil, nil)
        return peer >= 0 ? peer : nil
    }

    static var hasIPv6Loopback: Bool { (try? RawListener(backlog: 1, ipv6: true)) != nil }

    /// A listener whose queue is full (a backlog of 0 holds one connection, which is made), so
    /// the kernel drops further SYNs and dials to it wait for an answer.
    static func full(dialer: ConnectorDialer, loop: EventLoop) throws -> (listener: RawListener, release: () -> Void) {
        let listener = try RawListener(backlog: 0)
        let first = try dialer.dial(listener.address, timeout: .seconds(2), on: loop).socket.wait()
        return (listener, { close(first) })
    }

    /// Sockets of this process's network namespace in SYN_SENT toward `port` on loopback.
    static func halfOpen(to port: Int) -> Int {
        let remote = String(format: ":%04X", port)
        return ["/proc/net/tcp", "/proc/net/tcp6"].reduce(0) { count, table in
            // Read to the end: /proc's files say they are empty, so a read sized by stat gets nothing.
            let text = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: table)).readToEnd()).flatMap { $0.map { String(decoding: $0, as: UTF8.self) } }
            let lines = text?.split(separator: "\n").dropFirst() ?? []
            return count + lines.filter { line in
                let fields = line.split(separator: " ")
                return fields.count > 3 && fields[2].hasSuffix(remote) && fields[3] == "02"
            }.count
        }
    }
}
