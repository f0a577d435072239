import NIOCore

/// Encodes frames. The header goes into a small buffer; a data payload is written after it as the
/// same `ByteBuffer` it arrived in, so payload bytes are never copied.
public enum FrameEncoder {
    /// The header bytes of `frame`, and its payload (if any) to write after them.
    public static func encode(_ frame: Frame, allocator: ByteBufferAllocator) -> (header: ByteBuffer, payload: ByteBuffer?) {
        var header = allocator.buffer(capacity: WireFormat.headerSize)
        switch frame {
        case .data(let stream, let flags, let payload):
            writeHeader(&header, .data, flags, stream, UInt32(payload.readableBytes))
            return (header, payload.readableBytes > 0 ? payload : nil)
        case .windowUpdate(let stream, let delta):
            writeHeader(&header, .windowUpdate, [], stream, delta)
        case .ping(let ack, let opaque):
            writeHeader(&header, .ping, ack ? .ack : [], 0, opaque)
        case .goAway(let code):
            writeHeader(&header, .goAway, [], 0, code.rawValue)
        case .open(let stream, let routingKey, let destination):
            var payload = allocator.buffer(capacity: routingKey.utf8.count + (destination.map { $0.site.utf8.count + 3 } ?? 0))
            payload.writeString(routingKey)
            if let destination {
                payload.writeInteger(WireFormat.openSeparator)
                payload.writeString(destination.site)
                payload.writeInteger(WireFormat.openSeparator)
                payload.writeInteger(destination.hopsLeft)
            }
            writeHeader(&header, .open, [], stream, UInt32(payload.readableBytes))
            header.writeBuffer(&payload)
        case .hello(var payload), .advert(var payload), .linkState(var payload), .summary(var payload):
            let type: FrameType = switch frame {
            case .hello: .hello
            case .advert: .advert
            case .summary: .summary
            default: .linkState
            }
            writeHeader(&header, type, [], 0, UInt32(payload.readableBytes))
            header.writeBuffer(&payload)
        }
        return (header, nil)
    }

    private static func writeHeader(_ buffer: inout ByteBuffer, _ type: FrameType, _ flags: FrameFlags, _ stream: UInt32, _ length: UInt32) {
        buffer.writeInteger(WireFormat.version)
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(flags.rawValue)
        buffer.writeInteger(stream)
        buffer.writeInteger(length)
    }
}
