import Foundation
import SkiffTelemetry

/// A small blocking client for the management API on the router's Unix socket, for the
/// reconciler and the CLI (they run outside any event loop).
public struct ManagementClient: Sendable {
    public let socketPath: String
    public var timeout: Double

    public init(socketPath: String, timeout: Double = 10) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    /// Why a request failed, by what it means for the caller: only `notRunning` says nothing
    /// listens on the socket; every other kind means something is there and must not be replaced.
    public struct Failure: Error, CustomStringConvertible {
        public enum Kind: Sendable, Hashable {
            /// No socket file, or nothing accepts on it.
            case notRunning
            /// Connected, but no (whole) answer in time.
            case noAnswer
            /// The router answered with an error status.
            case refused
            /// The router answered something this client cannot read.
            case unexpectedAnswer
            /// This process could not make the request (socket path too long, no descriptors).
            case local
        }

        public var kind: Kind
        public var description: String

        public init(_ kind: Kind, _ description: String) {
            self.kind = kind
            self.description = description
        }
    }

    public func status() throws -> RouterStatus {
        try decode(RouterStatus.self, try request("GET", "/v1/status"))
    }

    public func config() throws -> RouterConfig {
        try decode(RouterConfig.self, try request("GET", "/v1/config"))
    }

    @discardableResult
    public func put(_ config: RouterConfig) throws -> RouterStatus {
        try decode(RouterStatus.self, try request("PUT", "/v1/config", body: try JSONEncoder().encode(config)))
    }

    /// The whole network from every site's summary.
    public func network() throws -> NetworkView {
        try decode(NetworkView.self, try request("GET", "/v1/network"), isoDates: true)
    }

    public func throughput(_ query: ThroughputQuery) throws -> ThroughputReport {
        try decode(ThroughputReport.self, try request("GET", "/v1/throughput" + query.queryString), isoDates: true)
    }

    /// The raw JSON of a GET (the console passes the router's answers on as they are).
    public func get(_ path: String) throws -> Data {
        try request("GET", path)
    }

    /// Hands the router the reconciler's report, to go round the network in the site's summary.
    public func putGitOps(_ report: GitOpsReport) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        _ = try request("PUT", "/v1/gitops", body: try encoder.encode(report))
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data, isoDates: Bool = false) throws -> T {
        do {
            let decoder = JSONDecoder()
            if isoDates { decoder.dateDecodingStrategy = .iso8601 }
            return try decoder.decode(type, from: data)
        } catch {
            throw Failure(.unexpectedAnswer, "unexpected answer from the router at \(socketPath): \(error)")
        }
    }

    /// Whether `response` holds the whole answer: headers, and as many body bytes as Content-Length says.
    static func isComplete(_ response: Data) -> Bool {
        guard let split = response.range(of: Data("\r\n\r\n".utf8)),
              let headers = String(data: response[..<split.lowerBound], encoding: .utf8)
        else { return false }
        for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
            let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
            return response.count - split.upperBound >= length
        }
        return false
    }

    /// One HTTP/1.1 request; returns the body of a 200 answer, throws otherwise.
    func request(_ method: String, _ path: String, body: Data = Data()) throws -> Data {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(.local, "cannot create a socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var seconds = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw Failure(.local, "socket path too long: \(socketPath)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in pathBytes.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            // Nothing there (no file, or a file nobody listens on): not running. Anything else
            // (a full backlog, a timeout) means a router is there but busy or hung.
            if code == ENOENT || code == ECONNREFUSED { throw Failure(.notRunning, "the router is not running (nothing on \(socketPath))") }
            throw Failure(.noAnswer, "the router does not answer on \(socketPath): \(String(cString: strerror(code)))")
        }
        var message = Data("\(method) \(path) HTTP/1.1\r\nHost: router\r\nConnection: close\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
        message.append(body)
        try message.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                guard written > 0 else { throw Failure(.noAnswer, "cannot talk to the router at \(socketPath)") }
                offset += written
            }
        }
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !Self.isComplete(response) {
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            response.append(contentsOf: buffer[0..<count])
        }
        guard let split = response.range(of: Data("\r\n\r\n".utf8)),
              let statusLine = String(data: response[..<split.lowerBound], encoding: .utf8)?.split(separator: "\r\n").first
        else { throw Failure(.noAnswer, "no answer from the router at \(socketPath) within \(Int(timeout)) s") }
        let payload = response[split.upperBound...]
        guard statusLine.contains(" 200 ") else {
            let message = String(data: payload, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            throw Failure(.refused, "the router refused \(method) \(path): \(statusLine) \(message)")
        }
        return Data(payload)
    }
}
