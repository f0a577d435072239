import NIOCore

extension SocketAddress {
    /// `IP:PORT`, or `[IPv6]:PORT`, as an operator types it (and as `HostPort.format` writes the
    /// addresses Skiff shows elsewhere); `?` for an address that is not an IP one.
    package var hostPortText: String {
        guard let ip = ipAddress else { return "?" }
        let host = ip.contains(":") ? "[\(ip)]" : ip
        return port.map { "\(host):\($0)" } ?? host
    }
}
