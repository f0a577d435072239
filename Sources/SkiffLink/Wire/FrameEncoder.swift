import NIOCore

/// Encodes frames. The header goes into a small buffer; a large data payload is written after it
/// as the same `ByteBuffer` it arrived in, so bulk bytes are never copied. A small one is copied
/// in after the header: swift-nio-ssl makes a TLS record of every write, so a separate header
/// would cost a record of its own (a 12-byte record, 22 bytes of overhead, a seal and an open)
/// for each request and answer of a short flow.
public enum FrameEncoder {
    /// Data payloads up to this size travel in the header's buffer.
    public static let inlinePayloadLimit = 4096

    /// The header bytes of `frame`, and its payload (if any) to write after them.
    public static func encode(_ frame: Frame, allocator: ByteBufferAllocator) -> (header: ByteBuffer, payload: ByteBuffer?) {
        switch frame {
        case .data(let stream, let flags, let payload):
            guard payload.readableBytes > inlinePayloadLimit else { return (whole(.data, flags, stream, payload, allocator), nil) }
            return (frameBuffer(.data, flags, stream, length: UInt32(payload.readableBytes), allocator), payload)
        case .windowUpdate(let stream, let delta):
            return (frameBuffer(.windowUpdate, [], stream, length: delta, allocator), nil)
        case .ping(let ack, let opaque):
            return (frameBuffer(.ping, ack ? .ack : [], 0, length: opaque, allocator), nil)
        case .goAway(let code):
            return (frameBuffer(.goAway, [], 0, length: code.rawValue, allocator), nil)
        case .open(let stream, let routingKey, let destination):
            var payload = allocator.buffer(capacity: routingKey.utf8.count + (destination.map { $0.site.utf8.count + 3 } ?? 0))
            payload.writeString(routingKey)
            if let destination {
                payload.writeInteger(WireFormat.openSeparator)
                payload.writeString(destination.site)
                payload.writeInteger(WireFormat.openSeparator)
                payload.writeInteger(destination.hopsLeft)
            }
            return (whole(.open, [], stream, payload, allocator), nil)
        case .hello(let payload):
            return (whole(.hello, [], 0, payload, allocator), nil)
        case .advert(let payload):
            return (whole(.advert, [], 0, payload, allocator), nil)
        case .linkState(let payload):
            return (whole(.linkState, [], 0, payload, allocator), nil)
        case .summary(let payload):
            return (whole(.summary, [], 0, payload, allocator), nil)
        }
    }

    /// A frame with its payload, in one buffer.
    private static func whole(_ type: FrameType, _ flags: FrameFlags, _ stream: UInt32, _ payload: ByteBuffer,
                              _ allocator: ByteBufferAllocator) -> ByteBuffer
    {
        var buffer = frameBuffer(type, flags, stream, length: UInt32(payload.readableBytes), extra: payload.readableBytes, allocator)
        buffer.writeImmutableBuffer(payload)
        return buffer
    }

    /// A buffer holding the frame's header, with room for `extra` bytes after it. `length` is the
    /// header's last field: the payload's length, or a control frame's number.
    private static func frameBuffer(_ type: FrameType, _ flags: FrameFlags, _ stream: UInt32, length: UInt32, extra: Int = 0,
                                    _ allocator: ByteBufferAllocator) -> ByteBuffer
    {
        var buffer = allocator.buffer(capacity: WireFormat.headerSize + extra)
        buffer.writeInteger(WireFormat.version)
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(flags.rawValue)
        buffer.writeInteger(stream)
        buffer.writeInteger(length)
        return buffer
    }
}
