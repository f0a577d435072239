import NIOCore

/// Decodes frames from a byte stream. A value type with no I/O: feed bytes, take frames.
///
/// A DATA payload is handed on as it arrives: when only part of it is there, that part comes out as
/// a DATA frame without flags, and the rest follows (the frame's FIN or RST on its last part). So
/// a payload is never gathered into one contiguous buffer — which would copy every received byte
/// once — and each part is a slice of the buffer it was read into.
public struct FrameParser: Sendable {
    public var maxPayload: Int
    /// The DATA frame whose payload is still arriving.
    private var partial: (stream: UInt32, flags: FrameFlags, remaining: Int)?

    public init(maxPayload: Int = WireFormat.defaultMaxPayload) {
        self.maxPayload = maxPayload
    }

    /// The next frame (or part of a DATA payload) at the front of `buffer`, consuming it, or nil when
    /// more bytes are needed. Throws on anything a well-behaved peer never sends; the caller closes the link.
    public mutating func nextFrame(from buffer: inout ByteBuffer) throws -> Frame? {
        if let partial { return continueData(partial, from: &buffer) }
        // The header is read in place: a copy of its 12 bytes cost every frame an allocation.
        let at = buffer.readerIndex
        guard buffer.readableBytes >= WireFormat.headerSize, let version = buffer.getInteger(at: at, as: UInt8.self),
              let rawType = buffer.getInteger(at: at + 1, as: UInt8.self), let rawFlags = buffer.getInteger(at: at + 2, as: UInt16.self),
              let stream = buffer.getInteger(at: at + 4, as: UInt32.self), let length = buffer.getInteger(at: at + 8, as: UInt32.self)
        else { return nil }
        guard version == WireFormat.version else { throw FrameError.unsupportedVersion(version) }
        guard let type = FrameType(rawValue: rawType) else { throw FrameError.unknownType(rawType) }
        let flags = FrameFlags(rawValue: rawFlags)
        guard FrameFlags([.ack, .fin, .rst]).isSuperset(of: flags) else { throw FrameError.invalidFlags(type: type, flags: flags.rawValue) }

        switch type {
        case .windowUpdate:
            buffer.moveReaderIndex(forwardBy: WireFormat.headerSize)
            return .windowUpdate(stream: stream, delta: length)
        case .ping:
            buffer.moveReaderIndex(forwardBy: WireFormat.headerSize)
            return .ping(ack: flags.contains(.ack), opaque: length)
        case .goAway:
            buffer.moveReaderIndex(forwardBy: WireFormat.headerSize)
            return .goAway(LinkErrorCode(rawValue: length))
        case .data:
            guard length <= maxPayload else { throw FrameError.payloadTooLarge(length: length, limit: maxPayload) }
            buffer.moveReaderIndex(forwardBy: WireFormat.headerSize)
            guard length > 0 else { return .data(stream: stream, flags: flags, payload: ByteBuffer()) }
            return continueData((stream, flags, Int(length)), from: &buffer)
        case .open, .hello, .advert, .linkState, .summary:
            guard length <= maxPayload else { throw FrameError.payloadTooLarge(length: length, limit: maxPayload) }
            guard buffer.readableBytes >= WireFormat.headerSize + Int(length) else { return nil }
            buffer.moveReaderIndex(forwardBy: WireFormat.headerSize)
            let payload = buffer.readSlice(length: Int(length))!
            return try Self.frame(type, flags: flags, stream: stream, payload: payload)
        }
    }

    /// As much of the arriving DATA payload as `buffer` holds; the flags go with the last part.
    private mutating func continueData(_ data: (stream: UInt32, flags: FrameFlags, remaining: Int), from buffer: inout ByteBuffer) -> Frame? {
        let count = min(data.remaining, buffer.readableBytes)
        guard count > 0 else {
            partial = data
            return nil
        }
        let payload = buffer.readSlice(length: count)!
        let remaining = data.remaining - count
        partial = remaining > 0 ? (data.stream, data.flags, remaining) : nil
        return .data(stream: data.stream, flags: remaining > 0 ? [] : data.flags, payload: payload)
    }

    private static func frame(_ type: FrameType, flags: FrameFlags, stream: UInt32, payload: ByteBuffer) throws -> Frame {
        switch type {
        case .data:
            return .data(stream: stream, flags: flags, payload: payload)
        case .open:
            // Read in place, not copied out: one OPEN per new flow.
            let bytes = payload.readableBytesView
            let separator = bytes.firstIndex(of: WireFormat.openSeparator)
            guard let key = name(bytes[..<(separator ?? bytes.endIndex)]) else { throw FrameError.invalidRoutingKey }
            guard let separator else { return .open(stream: stream, routingKey: key) }
            // The rest is destination, separator, one byte of hops left (which may itself be 0).
            let rest = bytes[(separator + 1)...]
            guard rest.count >= 3, rest[rest.endIndex - 2] == WireFormat.openSeparator else { throw FrameError.invalidRoutingKey }
            let site = rest.dropLast(2)
            guard !site.contains(WireFormat.openSeparator), let destination = name(site) else { throw FrameError.invalidRoutingKey }
            return .open(stream: stream, routingKey: key, destination: FlowDestination(site: destination, hopsLeft: rest[rest.endIndex - 1]))
        case .hello:
            return .hello(payload)
        case .linkState:
            return .linkState(payload)
        case .summary:
            return .summary(payload)
        default:
            return .advert(payload)
        }
    }

    /// 1–255 bytes of valid UTF-8.
    private static func name(_ bytes: ByteBufferView) -> String? {
        guard !bytes.isEmpty, bytes.count <= WireFormat.maxRoutingKeyBytes else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}
