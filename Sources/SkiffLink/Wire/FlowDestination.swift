/// Where a flow is going when it may cross several links: the destination router, and how many
/// more links it may cross. Each transit router passes it on with one hop less and resets a flow
/// that arrives with none left, so a routing loop while the network converges cannot make a flow
/// circle for ever.
public struct FlowDestination: Sendable, Hashable {
    public var site: String
    public var hopsLeft: UInt8

    public init(site: String, hopsLeft: UInt8 = WireFormat.maxHops) {
        self.site = site
        self.hopsLeft = hopsLeft
    }

    /// The same destination, one hop further on; nil when no hop is left.
    public var nextHop: FlowDestination? {
        hopsLeft == 0 ? nil : FlowDestination(site: site, hopsLeft: hopsLeft - 1)
    }
}
