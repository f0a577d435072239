/// `HOST:PORT`, `[IPv6]:PORT` or `:PORT`, as flags, settings and messages give an address.
public enum HostPort {
    /// The host as written (brackets removed; empty for `:PORT`) and a port from 1 to 65535.
    /// Callers decide what an empty host means.
    public static func parse(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    /// `host:port`, with an IPv6 literal in brackets (`[::1]:8080`) as URLs and operators write it.
    public static func format(_ host: String, _ port: Int) -> String {
        "\(bracketed(host)):\(port)"
    }

    /// An IPv6 literal in brackets; any other host as it is.
    public static func bracketed(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}
