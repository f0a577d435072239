/// What a peer did that the link protocol forbids. Each one closes the link with
/// GO_AWAY(protocol error); its description is the reason logged and shown in status.
/// (Kept apart from `LinkErrorCode`, which is what goes on the wire.)
package enum LinkViolation: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes are not frames (`FrameParser`).
    case frame(FrameError)
    /// A stream frame (OPEN, DATA, WINDOW_UPDATE) came before the peer's HELLO.
    case streamFrameBeforeHello
    case secondHello
    /// A JSON payload (hello, advert, link-state advert) that does not decode.
    case unreadable(String)
    /// A HELLO with a field out of range.
    case hello(String)
    /// The HELLO names a site the peer's certificate does not.
    case identity(String)
    case wrongParity(stream: UInt32)
    case reusedID(stream: UInt32, last: UInt32)
    case windowOverrun(stream: UInt32)
    case windowUpdate(stream: UInt32, delta: UInt32)
    /// DATA (or a second FIN) on a stream after the peer's FIN on it.
    case dataAfterFin(stream: UInt32)
    case linkStateBeyondLimits
    /// A site summary beyond `SummaryLimits`, or one an edge peer sent for another site.
    case summaryRefused(String)
    /// Control frames the peer's own frames call for piled up while it did not read them.
    case notReading(queued: Int)

    package var description: String {
        switch self {
        case .frame(let error): "\(error)"
        case .streamFrameBeforeHello: "stream frame before hello"
        case .secondHello: "a second hello"
        case .unreadable(let what): "unreadable \(what)"
        case .hello(let problem): "hello: \(problem)"
        case .identity(let problem): "identity: \(problem)"
        case .wrongParity(let stream): "open of stream \(stream) uses this side's id parity"
        case .reusedID(let stream, let last): "open of stream \(stream) reuses an id (last was \(last))"
        case .windowOverrun(let stream): "stream \(stream) overran its window"
        case .windowUpdate(let stream, let delta): "window update of \(delta) on stream \(stream) takes its window past \(WireFormat.maxWindow)"
        case .dataAfterFin(let stream): "data on stream \(stream) after its FIN"
        case .linkStateBeyondLimits: "link-state advert beyond the limits"
        case .summaryRefused(let problem): "site summary refused: \(problem)"
        case .notReading(let queued): "the peer does not read: \(queued) bytes of control frames queued"
        }
    }
}
