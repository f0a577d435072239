import SkiffTelemetry

/// What a link session needs from its router. Called on the link's event loop.
package protocol LinkSessionDelegate: AnyObject, Sendable {
    /// The routing keys to advertise to `session`'s peer (ADVERT).
    func advertisedKeys(for session: LinkSession) -> [String]
    /// This router is an edge router.
    var isEdgeRouter: Bool { get }
    /// The software this router runs (`0.1.0 (1a2b3c4d5e6f)`), announced in HELLO.
    var softwareVersion: String? { get }
    /// Link-state adverts from an interior peer (one LINK_STATE frame's: one or several).
    func sessionReceivedLinkState(_ session: LinkSession, _ adverts: [LinkStateAdvert])
    /// Site summaries from a peer (one SUMMARY frame's), each within `SummaryLimits`.
    func sessionReceivedSummaries(_ session: LinkSession, _ summaries: [SiteSummary], bytes: Int)
    func sessionUp(_ session: LinkSession)
    func sessionDown(_ session: LinkSession, reason: String)
    func sessionKeysChanged(_ session: LinkSession)
    /// A stream the peer opened: attach it to a local connector, or return false to reset it.
    func acceptStream(_ stream: FlowStream) -> Bool
}
