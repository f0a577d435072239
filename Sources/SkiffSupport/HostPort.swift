/// `HOST:PORT`, `[IPv6]:PORT` or `:PORT`, as flags and settings give an address: the host as
/// written (brackets removed; empty for `:PORT`) and a port from 1 to 65535. Callers decide what
/// an empty host means.
public enum HostPort {
    public static func parse(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }
}
