import NIOCore

/// One frame of the link protocol. Payloads are `ByteBuffer` slices of what was read: never copied.
public enum Frame: Sendable, Equatable {
    case data(stream: UInt32, flags: FrameFlags, payload: ByteBuffer)
    case windowUpdate(stream: UInt32, delta: UInt32)
    case ping(ack: Bool, opaque: UInt32)
    case goAway(LinkErrorCode)
    /// `destination`: the router the flow is for, when it is not the receiver's choice.
    case open(stream: UInt32, routingKey: String, destination: FlowDestination? = nil)
    case hello(ByteBuffer)
    case advert(ByteBuffer)
    case linkState(ByteBuffer)
    case summary(ByteBuffer)

    /// A stream abort: a data frame with RST and no payload.
    public static func reset(_ stream: UInt32) -> Frame {
        .data(stream: stream, flags: .rst, payload: ByteBuffer())
    }
}

/// Protocol violations by the peer: each closes the link with GO_AWAY(protocol error).
public enum FrameError: Error, Sendable, Hashable, CustomStringConvertible {
    case unsupportedVersion(UInt8)
    case unknownType(UInt8)
    case payloadTooLarge(length: UInt32, limit: Int)
    case invalidRoutingKey
    case invalidFlags(type: FrameType, flags: UInt16)

    public var description: String {
        switch self {
        case .unsupportedVersion(let version): "unsupported protocol version \(version)"
        case .unknownType(let type): "unknown frame type \(type)"
        case .payloadTooLarge(let length, let limit): "frame payload of \(length) bytes exceeds the limit of \(limit)"
        case .invalidRoutingKey: "open frame with an empty, oversized or non-UTF-8 routing key or destination"
        case .invalidFlags(let type, let flags): "flags 0x\(String(flags, radix: 16)) are not valid on a \(type) frame"
        }
    }
}
