/// Which of several places serving a routing key gets a new flow: the lowest (open flows there +
/// path cost), Skupper's "balanced" rule. Among equals, turns rotate, so sequential flows (which
/// leave no open flows behind) still spread.
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

    /// The chosen candidate; `turn` (any counter the caller advances) picks among ties.
    public static func choose(_ candidates: [Candidate], turn: Int) -> Candidate? {
        guard let lowest = candidates.map(\.score).min() else { return nil }
        let tied = candidates.filter { $0.score == lowest }.sorted { $0.destination < $1.destination }
        return tied[abs(turn) % tied.count]
    }
}
