/// Wire constants of the link protocol (docs/protocol.md). Every number here is pinned by a test.

/// The frame types. 0–3 are yamux's; 4–8 are Skiff's.
public enum FrameType: UInt8, Sendable, CaseIterable {
    /// Stream payload; flags FIN (half-close) and RST (abort) ride on it.
    case data = 0
    /// Grants the peer `length` more bytes of send window on a stream.
    case windowUpdate = 1
    /// Keepalive; `length` carries an opaque value, echoed with the ACK flag.
    case ping = 2
    /// The sender is closing the link; `length` carries a `LinkErrorCode`.
    case goAway = 3
    /// Opens a stream; the payload is the routing key (UTF-8), optionally followed by a 0 byte, the
    /// destination router, a 0 byte and one byte of hops left (when the flow may cross more than
    /// one link). Data may follow at once.
    case open = 4
    /// First frame on a link from each side; the payload is a JSON `LinkHello`.
    case hello = 5
    /// A router's routing keys (JSON `RouteAdvert`); sent after hello and on every change.
    case advert = 6
    /// An interior router's link-state advert (JSON `LinkStateAdvert`), flooded to every interior router.
    case linkState = 7
    /// A site's summary of its links, listeners, connectors and reconciler (JSON `SiteSummary`, or
    /// an array of them), flooded to every site whose HELLO said it reads them.
    case summary = 8
}

/// Frame flags (a bit set in the 16-bit flags field).
public struct FrameFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Acknowledges a ping.
    public static let ack = FrameFlags(rawValue: 0x2)
    /// The sender will send no more data on the stream (TCP half-close).
    public static let fin = FrameFlags(rawValue: 0x4)
    /// The stream is aborted in both directions.
    public static let rst = FrameFlags(rawValue: 0x8)
}

/// Why a link was closed (the `length` field of GO_AWAY). Kept apart from Swift errors.
public struct LinkErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let normal = LinkErrorCode(rawValue: 0)
    public static let protocolError = LinkErrorCode(rawValue: 1)
    public static let internalError = LinkErrorCode(rawValue: 2)
    /// The peer's certificate is no longer trusted (its site revoked access, or it expired).
    public static let accessRevoked = LinkErrorCode(rawValue: 3)

    public var description: String {
        switch self {
        case .normal: "normal"
        case .protocolError: "protocol error"
        case .internalError: "internal error"
        case .accessRevoked: "access revoked: this site's certificate is no longer trusted there"
        default: "code \(rawValue)"
        }
    }
}

/// Header layout and limits.
public enum WireFormat {
    /// Protocol version carried in every header.
    public static let version: UInt8 = 0
    /// version(1) type(1) flags(2) stream id(4) length(4), big-endian.
    public static let headerSize = 12
    /// Largest payload accepted by default (data, open, hello, advert).
    public static let defaultMaxPayload = 1 << 20
    /// Longest routing key (and destination router name), in bytes.
    public static let maxRoutingKeyBytes = 255
    /// Separates the routing key, the destination and the hops left in an OPEN payload.
    public static let openSeparator: UInt8 = 0
    /// Links a flow may cross at most.
    public static let maxHops: UInt8 = 32
    /// Largest send window a peer may grant a stream (2^31 - 1, as HTTP/2): a WINDOW_UPDATE that
    /// takes a window past it is a protocol error.
    public static let maxWindow = Int(Int32.max)
    /// Smallest initial stream window and frame payload a HELLO may announce.
    public static let minimumWindow = 16 << 10
    public static let minimumFramePayload = 1 << 10
    /// Highest stream id; a link whose ids are used up is closed and dialled again.
    public static let maxStreamID = UInt32.max
}
