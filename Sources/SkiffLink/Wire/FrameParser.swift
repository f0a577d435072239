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
        guard let header = buffer.getBytes(at: buffer.readerIndex, length: WireFormat.headerSize) else { return nil }
        let version = header[0]
        guard version == WireFormat.version else { throw FrameError.unsupportedVersion(version) }
        guard let type = FrameType(rawValue: header[1]) else { throw FrameError.unknownType(header[1]) }
        let flags = FrameFlags(rawValue: UInt16(header[2]) << 8 | UInt16(header[3]))
        let stream = Self.uint32(header, 4)
        let length = Self.uint32(header, 8)
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
            let bytes = Array(payload.readableBytesView)
            let parts = bytes.split(separator: WireFormat.openSeparator, maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = name(parts[0]) else { throw FrameError.invalidRoutingKey }
            guard parts.count == 2 else { return .open(stream: stream, routingKey: key) }
            // The rest is destination, separator, one byte of hops left (which may itself be 0).
            let rest = parts[1]
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
    private static func name(_ bytes: ArraySlice<UInt8>) -> String? {
        guard !bytes.isEmpty, bytes.count <= WireFormat.maxRoutingKeyBytes else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}
