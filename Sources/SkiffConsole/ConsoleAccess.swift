import Crypto
import Foundation
import NIOHTTP1
import NIOSSL
import SkiffNetSupport
import SkiffPKI
import SkiffSupport

/// Who may use a site's console and how it is served. On loopback (the default) it is plain HTTP
/// with no password: whoever can reach the address already runs on the host. On any other
/// address it is HTTPS with the site's server certificate (`pki/server/`), and every request but
/// the health checks and the git webhook (which has its own secret) needs HTTP basic
/// authentication as `admin` with the password generated into `<state>/console/password` (0600),
/// as Skupper's console does.
public struct ConsoleAccess: Sendable {
    public static let user = "admin"
    /// Answered without a password: probes, and the webhook, which checks its own secret.
    static let open: Set<String> = ["/healthz", "/readyz", "/hooks/git"]

    /// The password required, nil on loopback.
    public let password: String?
    /// TLS for the address, nil on loopback.
    public let tls: NIOSSLContext?

    /// `localhost`, 127.0.0.0/8, `::1`, and IPv4-mapped 127.0.0.0/8 (`::ffff:127.0.0.1`, which
    /// binds the same loopback address); anything else — `0.0.0.0`, `::`, a name — is not.
    public static func isLoopback(_ host: String) -> Bool {
        let host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if host == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes == Array(repeating: 0, count: 15) + [1] { return true }
        return bytes.prefix(12) == Array(repeating: 0, count: 10) + [0xFF, 0xFF] && bytes[12] == 127
    }

    public static func passwordPath(_ directory: StateDirectory) -> String { directory.path + "/console/password" }

    /// The access rules for serving on `host`, from the site's state directory: its password
    /// (generated on first use) and its server certificate. Throws, saying what to do, when the
    /// site has no server certificate.
    public static func forServing(on host: String, site: String, stateDirectory: StateDirectory) throws -> ConsoleAccess {
        guard !isLoopback(host) else { return ConsoleAccess(password: nil, tls: nil) }
        let pki = SitePKI(stateDirectory: stateDirectory.path)
        let certificate = pki.serverFolder + "/tls.crt", key = pki.serverFolder + "/tls.key"
        guard FileManager.default.fileExists(atPath: certificate), FileManager.default.fileExists(atPath: key) else {
            throw ConsoleError("the console on \(host) is served over TLS with site \(site)'s server certificate, and the site has none "
                + "(\(pki.serverFolder)); give the site a RouterAccess (or link access), or serve the console on loopback")
        }
        let tls = try HTTPServer.tlsContext(certificateFile: certificate, keyFile: key)
        return ConsoleAccess(password: try password(stateDirectory), tls: tls)
    }

    public static func hasServerCertificate(_ directory: StateDirectory) -> Bool {
        let folder = SitePKI(stateDirectory: directory.path).serverFolder
        return FileManager.default.fileExists(atPath: folder + "/tls.crt") && FileManager.default.fileExists(atPath: folder + "/tls.key")
    }

    /// Where a browser finds the console.
    public func url(host: String, port: Int) -> String {
        let shown = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(tls == nil ? "http" : "https")://\(shown):\(port)/"
    }

    /// The console's password: read, or made (24 random bytes, base64url) and written 0600.
    static func password(_ directory: StateDirectory) throws -> String {
        let path = passwordPath(directory)
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { return trimmed }
        }
        var bytes = [UInt8](repeating: 0, count: 24)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let password = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        try FileManager.default.createDirectory(atPath: directory.path + "/console", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try AtomicFile.write(Data((password + "\n").utf8), to: path, permissions: 0o600)
        return password
    }

    /// A 401 for a request without the right credentials (nil: let it through).
    public func refusal(_ request: HTTPRequest) -> HTTPResponse? {
        guard let password, !Self.open.contains(request.path) else { return nil }
        if let header = request.head.headers.first(name: "authorization"), Self.matches(header, password: password) { return nil }
        return HTTPResponse(.unauthorized, contentType: "text/plain", body: Array("authentication required\n".utf8),
                            headers: [("WWW-Authenticate", "Basic realm=\"skiff console\", charset=\"UTF-8\"")])
    }

    /// Whether an `Authorization: Basic …` header names `admin` and `password`, compared in
    /// constant time (as digests, so lengths leak nothing either).
    static func matches(_ header: String, password: String) -> Bool {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic", let decoded = Data(base64Encoded: String(parts[1])) else { return false }
        let given = SHA256.hash(data: decoded)
        let expected = SHA256.hash(data: Data("\(user):\(password)".utf8))
        return zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Why the console cannot be served; one line for the user.
public struct ConsoleError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
