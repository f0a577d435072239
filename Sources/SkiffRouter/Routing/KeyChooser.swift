import SkiffRouterAPI

/// Picks a MultiKeyListener's routing key for each new connection. A value per listener: the
/// weighted strategy keeps smooth weighted round-robin credits (nginx's algorithm), so that any run
/// of connections splits exactly in proportion to the weights of the keys that are reachable,
/// without bursts to one key.
struct KeyChooser: Sendable {
    private var credits: [String: Int] = [:]

    /// The key for the next connection among those `reachable` says some connector serves now;
    /// nil when none is.
    mutating func choose(_ strategy: KeyStrategy, reachable: (String) -> Bool) -> String? {
        switch strategy {
        case .priority(let keys):
            return keys.first(where: reachable)
        case .weighted(let weights):
            let candidates = weights.filter { $0.weight > 0 && reachable($0.routingKey) }
            guard !candidates.isEmpty else { return nil }
            let total = candidates.reduce(0) { $0 + $1.weight }
            for candidate in candidates { credits[candidate.routingKey, default: 0] += candidate.weight }
            // Ties go to the key listed first (they are sorted by key), so the choice is deterministic.
            let best = candidates.max { (credits[$0.routingKey] ?? 0) < (credits[$1.routingKey] ?? 0) }!
            credits[best.routingKey, default: 0] -= total
            // Keys that stopped being reachable start afresh when they come back.
            for key in credits.keys where !candidates.contains(where: { $0.routingKey == key }) { credits[key] = nil }
            return best.routingKey
        }
    }
}
