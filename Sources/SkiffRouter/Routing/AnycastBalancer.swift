/// Which of several places serving a routing key gets a new flow, as skupper-router's balanced
/// forwarding decides (`qdr_forward_balanced_CT`): a local consumer — a connector here, then an
/// edge site attached here, each at cost 0 — with nothing outstanding wins outright (the router's
/// own connectors first, as skupper-router takes the first idle local link); otherwise every
/// candidate, local or remote, is compared by (open flows + path cost). Among equals, turns
/// rotate, so sequential flows spread over several idle connectors here.
///
/// It runs once per new flow: with one lowest candidate it allocates nothing.
public enum AnycastBalancer {
    /// Where a candidate is: its own connectors and attached edge sites are local consumers.
    public enum Place: Sendable, Hashable {
        case own, attached, remote
    }

    public struct Candidate: Sendable, Hashable {
        public var destination: String
        public var cost: Int
        public var openFlows: Int
        public var place: Place

        public init(destination: String, cost: Int, openFlows: Int, place: Place = .remote) {
            self.destination = destination
            self.cost = cost
            self.openFlows = openFlows
            self.place = place
        }

        var score: Int { openFlows + cost }
    }

    /// The index in `candidates` of the one chosen: an idle connector here (`own`, cost 0), then an
    /// idle attached edge site (cost 0), then the lowest (open flows + cost) of all, remote routers
    /// at their path cost.
    public static func choice(among candidates: [Candidate], turn: Int) -> Int? {
        if let own = lowest(candidates, turn: turn, where: { $0.place == .own && $0.openFlows == 0 }) { return own }
        if let edge = lowest(candidates, turn: turn, where: { $0.place == .attached && $0.openFlows == 0 }) { return edge }
        return lowest(candidates, turn: turn) { _ in true }
    }

    /// The lowest (open flows + cost); `turn` (any counter the caller advances) picks among ties.
    public static func choose(_ candidates: [Candidate], turn: Int) -> Candidate? {
        lowest(candidates, turn: turn) { _ in true }.map { candidates[$0] }
    }

    /// The index of the lowest-scoring eligible candidate; ties in order of destination, picked by
    /// `turn`. Only ties build a list.
    private static func lowest(_ candidates: [Candidate], turn: Int, where eligible: (Candidate) -> Bool) -> Int? {
        var best: Int?
        var ties = 0
        for index in candidates.indices where eligible(candidates[index]) {
            let score = candidates[index].score
            if let current = best, score >= candidates[current].score {
                if score == candidates[current].score { ties += 1 }
            } else {
                best = index
                ties = 1
            }
        }
        guard let best, ties > 1 else { return best }
        let lowest = candidates[best].score
        let tied = candidates.indices.filter { eligible(candidates[$0]) && candidates[$0].score == lowest }
            .sorted { candidates[$0].destination < candidates[$1].destination }
        return tied[abs(turn) % tied.count]
    }
}
