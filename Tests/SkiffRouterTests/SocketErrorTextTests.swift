import NIOCore
import NIOPosix
import SkiffNetSupport
import Testing

/// Socket errors reach operators as words, never as a system call and an errno.
@Suite("Socket errors in plain words")
struct SocketErrorTextTests {
    @Test("each class of bind and connect failure is one line naming the address and what it means", arguments: [
        (EADDRINUSE, true, "cannot bind 127.0.0.1:8081: address already in use (another process holds it)"),
        (EACCES, true, "cannot bind 127.0.0.1:8081: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)"),
        (EADDRNOTAVAIL, true, "cannot bind 127.0.0.1:8081: the address is not one of this host's"),
        (ECONNREFUSED, false, "cannot connect to 127.0.0.1:8081: connection refused (nothing listens there)"),
        (EHOSTUNREACH, false, "cannot connect to 127.0.0.1:8081: no route to the host"),
        (EMFILE, false, "cannot connect to 127.0.0.1:8081: out of file descriptors (raise the open-file limit)"),
    ])
    func errnoClasses(code: Int32, binding: Bool, line: String) {
        let error = IOError(errnoCode: code, reason: binding ? "bind(descriptor:ptr:bytes:)" : "connect(descriptor:addr:size:)")
        let text = binding ? SocketErrorText.bind(error, address: "127.0.0.1:8081") : SocketErrorText.connect(error, address: "127.0.0.1:8081")
        #expect(text == line)
        #expect(!text.contains("errno") && !text.contains("(descriptor:"), "no system call, no errno")
    }

    @Test("a connect that times out")
    func timeout() {
        #expect(SocketErrorText.connect(ChannelError.connectTimeout(.seconds(2)), address: "db:5432")
            == "cannot connect to db:5432: timed out (nothing answered)")
    }

    @Test("a real bind of a port another socket holds reads as such")
    func realBind() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let held = try ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).wait()
        defer { try? held.close().wait() }
        let port = try #require(held.localAddress?.port)
        let error = try #require(throws: (any Error).self) { try ServerBootstrap(group: group).bind(host: "127.0.0.1", port: port).wait() }
        #expect(SocketErrorText.bind(error, address: "127.0.0.1:\(port)")
            == "cannot bind 127.0.0.1:\(port): address already in use (another process holds it)")
    }
}
