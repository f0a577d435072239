import Foundation

/// The query of a throughput request (`?seconds=900&service=db&service=web&top=10`), each value
/// clamped to what the history can answer: a bad number takes the default, never an error.
public struct ThroughputQuery: Sendable, Hashable {
    public var seconds: TimeInterval = 900
    public var services: [String] = []
    public var top = 10

    public init() {}

    public init(uri: String) {
        let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "seconds": seconds = Double(parts[1]).map { min(max($0, 1), 86_400) } ?? seconds
            case "service": if services.count < 100 { services.append(parts[1]) }
            case "top": top = Int(parts[1]).map { min(max($0, 0), 1_000) } ?? top
            default: continue
            }
        }
    }

    /// The query as a URI's `?…` part.
    public var queryString: String {
        var parts = ["seconds=\(Int(seconds))", "top=\(top)"]
        parts += services.map { "service=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) }
        return "?" + parts.joined(separator: "&")
    }
}
