/// Which of several places serving a routing key gets a new flow, as skupper-router's balanced
/// forwarding decides (`qdr_forward_balanced_CT`): a local consumer — a connector here, then an
/// edge site attached here, each at cost 0 — with nothing outstanding wins outright (the router's
/// own connectors first, as skupper-router takes the first idle local link); otherwise every
/// candidate, local or remote, is compared by (open flows + path cost). Among equals, turns
/// rotate, so sequential flows spread over several idle connectors here.
public enum AnycastBalancer {
    public struct Candidate: Sendable, Hashable {
        public var destination: String
        public var cost: Int
        public var openFlows: Int

        public init(destination: String, cost: Int, openFlows: Int) {
            self.destination = destination
            self.cost = cost
            self.openFlows = openFlows
        }

        var score: Int { openFlows + cost }
    }

    /// The chosen candidate among local consumers — `own` connectors, then `attached` edge sites,
    /// both at cost 0 — and `remote` routers (at their path cost).
    public static func choose(own: [Candidate], attached: [Candidate] = [], remote: [Candidate], turn: Int) -> Candidate? {
        for local in [own, attached] {
            let idle = local.filter { $0.openFlows == 0 }
            if !idle.isEmpty { return choose(idle, turn: turn) }
        }
        return choose(own + attached + remote, turn: turn)
    }

    /// The lowest (open flows + cost); `turn` (any counter the caller advances) picks among ties.
    public static func choose(_ candidates: [Candidate], turn: Int) -> Candidate? {
        guard let lowest = candidates.map(\.score).min() else { return nil }
        let tied = candidates.filter { $0.score == lowest }.sorted { $0.destination < $1.destination }
        return tied[abs(turn) % tied.count]
    }
}
