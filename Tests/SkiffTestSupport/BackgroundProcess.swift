import Foundation

/// A program running beside a test (a router, an echo server), killed when the value is released —
/// also when the test fails.
public final class BackgroundProcess: @unchecked Sendable {
    public let process: Process
    private let output: Pipe
    public let logPath: String?

    /// Starts `executable` with `arguments`; its stderr goes to `logPath` (or is discarded).
    public init(_ executable: String, _ arguments: [String], logPath: String? = nil) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        output = Pipe()
        process.standardOutput = output
        self.logPath = logPath
        if let logPath {
            FileManager.default.createFile(atPath: logPath, contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
    }

    /// The first line the program prints, waiting at most `timeout` seconds.
    public func firstLine(timeout: Double = 10) -> String? {
        let handle = output.fileHandleForReading
        let box = LineBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var bytes: [UInt8] = []
            while true {
                let chunk = handle.readData(ofLength: 1)
                guard let byte = chunk.first else { break }
                if byte == UInt8(ascii: "\n") { break }
                bytes.append(byte)
            }
            box.set(String(decoding: bytes, as: UTF8.self))
            done.signal()
        }
        return done.wait(timeout: .now() + timeout) == .success ? box.get() : nil
    }

    /// What the program printed after what has been read, once it has exited (nil while it runs).
    public func remainingOutput() -> String? {
        guard !process.isRunning else { return nil }
        return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    /// The JSON object the program printed last (each client in Tests/Tools ends with one), once
    /// it has exited, waiting at most `timeout` seconds (times `testSlowdown`): nil while it still
    /// runs, empty when it printed none.
    public func result(within timeout: Double) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(timeout * testSlowdown)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        guard let printed = remainingOutput() else { return nil }
        let last = printed.split(separator: "\n").last.map(String.init) ?? ""
        return (try? JSONSerialization.jsonObject(with: Data(last.utf8))) as? [String: Any] ?? [:]
    }

    public var isRunning: Bool { process.isRunning }

    /// SIGKILL, and wait for it to be gone.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, and wait up to `timeout` seconds for a graceful exit (then SIGKILL).
    public func terminate(timeout: Double = 5) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        kill()
    }

    deinit {
        kill()
    }
}

private final class LineBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: String?
    func set(_ line: String) { lock.withLock { value = line } }
    func get() -> String? { lock.withLock { value } }
}

/// Loopback ports nobody is using right now, taken from below the kernel's ephemeral range.
///
/// A port the kernel hands out for `bind(0)` comes from the same range it uses for the source port
/// of every outgoing connection, so between this call and the router's bind, any client on the
/// machine (curl, a dialing router) could take it as its source port and the router's bind fails.
/// Ports below the range are never chosen that way; each is handed out once per test process.
public enum FreePort {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cursor = 0
    private static let range: Range<Int> = {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let low = text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32768
        return 10000..<max(10001, low)
    }()
    private static let start = Int.random(in: 0..<range.count)

    public static func next() throws -> Int {
        try lock.withLock {
            for _ in 0..<range.count {
                let port = range.lowerBound + (start + cursor) % range.count
                cursor += 1
                if isFree(port) { return port }
            }
            throw POSIXError(.EADDRINUSE)
        }
    }

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } } == 0
    }
}

/// The suite runs under a sanitizer (scripts/sanitize.sh sets its options), whose allocator
/// stands in for glibc's in every process the suite starts.
public let underSanitizer = ["ASAN_OPTIONS", "TSAN_OPTIONS"].contains { ProcessInfo.processInfo.environment[$0] != nil }

/// How many times slower than usual the suite runs (SKIFF_TEST_SLOWDOWN; `make sanitize` sets 4):
/// every wait for the network to settle is stretched by it, as a wait checks behaviour, not speed.
public let testSlowdown: Double = ProcessInfo.processInfo.environment["SKIFF_TEST_SLOWDOWN"].flatMap(Double.init).map { max(1, $0) } ?? 1

/// Polls `condition` every 50 ms until it holds or `timeout` seconds (times `testSlowdown`) pass;
/// returns whether it held.
public func eventually(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout * testSlowdown)
    repeat {
        if try condition() { return true }
        usleep(50_000)
    } while Date() < deadline
    return try condition()
}
