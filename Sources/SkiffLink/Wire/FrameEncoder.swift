import NIOCore

/// Encodes frames. A frame's header, and its payload when that is small, are written into a
/// buffer (`append`, which `FrameBatch` uses to gather a flush's frames into one TLS record). A
/// large data payload is not copied: it is written after the header as the same `ByteBuffer` it
/// arrived in.
public enum FrameEncoder {
    /// Data payloads up to this size travel in the header's buffer.
    public static let inlinePayloadLimit = 4096

    /// Whether `frame` is a data frame whose payload `append` leaves out, to be written as it is.
    public static func carriesSeparatePayload(_ frame: Frame) -> Bool {
        if case .data(_, _, let payload) = frame { return payload.readableBytes > inlinePayloadLimit }
        return false
    }

    /// The header bytes of `frame`, and its payload (if any) to write after them.
    public static func encode(_ frame: Frame, allocator: ByteBufferAllocator) -> (header: ByteBuffer, payload: ByteBuffer?) {
        var buffer = allocator.buffer(capacity: inlineSize(of: frame))
        let payload = append(frame, to: &buffer)
        return (buffer, payload)
    }

    /// The bytes `append` writes into the buffer for `frame`: its header, and its payload unless
    /// that is a large data payload.
    public static func inlineSize(of frame: Frame) -> Int {
        switch frame {
        case .data(_, _, let payload):
            WireFormat.headerSize + (carriesSeparatePayload(frame) ? 0 : payload.readableBytes)
        case .windowUpdate, .ping, .goAway:
            WireFormat.headerSize
        case .open(_, let routingKey, let destination):
            WireFormat.headerSize + openPayloadSize(routingKey, destination)
        case .hello(let payload), .advert(let payload), .linkState(let payload), .summary(let payload):
            WireFormat.headerSize + payload.readableBytes
        }
    }

    /// Writes `frame` at the end of `buffer`. Returns a data payload larger than
    /// `inlinePayloadLimit`, which is not copied: the caller writes it right after the buffer.
    public static func append(_ frame: Frame, to buffer: inout ByteBuffer) -> ByteBuffer? {
        switch frame {
        case .data(let stream, let flags, let payload):
            writeHeader(.data, flags, stream, length: UInt32(payload.readableBytes), to: &buffer)
            guard !carriesSeparatePayload(frame) else { return payload }
            buffer.writeImmutableBuffer(payload)
        case .windowUpdate(let stream, let delta):
            writeHeader(.windowUpdate, [], stream, length: delta, to: &buffer)
        case .ping(let ack, let opaque):
            writeHeader(.ping, ack ? .ack : [], 0, length: opaque, to: &buffer)
        case .goAway(let code):
            writeHeader(.goAway, [], 0, length: code.rawValue, to: &buffer)
        case .open(let stream, let routingKey, let destination):
            writeHeader(.open, [], stream, length: UInt32(openPayloadSize(routingKey, destination)), to: &buffer)
            buffer.writeString(routingKey)
            if let destination {
                buffer.writeInteger(WireFormat.openSeparator)
                buffer.writeString(destination.site)
                buffer.writeInteger(WireFormat.openSeparator)
                buffer.writeInteger(destination.hopsLeft)
            }
        case .hello(let payload):
            appendWhole(.hello, payload, to: &buffer)
        case .advert(let payload):
            appendWhole(.advert, payload, to: &buffer)
        case .linkState(let payload):
            appendWhole(.linkState, payload, to: &buffer)
        case .summary(let payload):
            appendWhole(.summary, payload, to: &buffer)
        }
        return nil
    }

    /// The routing key, and when a destination is named, a separator, the router, a separator and
    /// one byte of hops left (`FrameType.open`).
    private static func openPayloadSize(_ routingKey: String, _ destination: FlowDestination?) -> Int {
        routingKey.utf8.count + (destination.map { $0.site.utf8.count + 3 } ?? 0)
    }

    /// A link-wide frame and its payload.
    private static func appendWhole(_ type: FrameType, _ payload: ByteBuffer, to buffer: inout ByteBuffer) {
        writeHeader(type, [], 0, length: UInt32(payload.readableBytes), to: &buffer)
        buffer.writeImmutableBuffer(payload)
    }

    /// A frame's header. `length` is its last field: the payload's length, or a control frame's number.
    private static func writeHeader(_ type: FrameType, _ flags: FrameFlags, _ stream: UInt32, length: UInt32,
                                    to buffer: inout ByteBuffer)
    {
        buffer.writeInteger(WireFormat.version)
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(flags.rawValue)
        buffer.writeInteger(stream)
        buffer.writeInteger(length)
    }
}
