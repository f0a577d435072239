import NIOCore
@testable import SkiffLink
import Testing

@Suite("Wire format: constants, encoding, hostile bytes")
struct FrameParserTests {
    @Test("every wire number is pinned")
    func constants() {
        #expect(WireFormat.headerSize == 12)
        #expect(WireFormat.version == 0)
        #expect(FrameType.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 5, 6, 7, 8])
        #expect([FrameFlags.ack, .fin, .rst].map(\.rawValue) == [0x2, 0x4, 0x8])
        #expect([LinkErrorCode.normal, .protocolError, .internalError].map(\.rawValue) == [0, 1, 2])
        #expect(WireFormat.maxRoutingKeyBytes == 255)
        #expect(WireFormat.defaultMaxPayload == 1 << 20)
    }

    static func bytes(_ frame: Frame) -> [UInt8] {
        let (header, payload) = FrameEncoder.encode(frame, allocator: ByteBufferAllocator())
        return Array(header.readableBytesView) + (payload.map { Array($0.readableBytesView) } ?? [])
    }

    static let samples: [Frame] = [
        .data(stream: 7, flags: [], payload: ByteBuffer(bytes: Array(0..<200))),
        .data(stream: 9, flags: .fin, payload: ByteBuffer()),
        .reset(11),
        .windowUpdate(stream: 3, delta: 4 << 20),
        .ping(ack: true, opaque: 0xDEAD_BEEF),
        .goAway(.protocolError),
        .open(stream: 5, routingKey: "backend-ü"),
        .open(stream: 13, routingKey: "backend", destination: FlowDestination(site: "north", hopsLeft: 31)),
        .open(stream: 15, routingKey: "backend", destination: FlowDestination(site: "north", hopsLeft: 0)),
        .linkState(ByteBuffer(string: #"{"origin":"west","sequence":1,"neighbours":[],"keys":[]}"#)),
        .hello(ByteBuffer(string: #"{"site":"west","protocolVersion":0}"#)),
        .advert(ByteBuffer(string: #"{"keys":["a","b"]}"#)),
        .summary(ByteBuffer(string: #"{"origin":"west","sequence":1}"#)),
    ]

    @Test("a data frame header is laid out as the protocol document says")
    func layout() {
        let bytes = Self.bytes(.data(stream: 0x0102_0304, flags: .fin, payload: ByteBuffer(bytes: [0xAA, 0xBB])))
        #expect(bytes == [0, 0, 0x00, 0x04, 1, 2, 3, 4, 0, 0, 0, 2, 0xAA, 0xBB])
    }

    @Test("a small DATA payload is one write with its header (one TLS record); a large one is written as it came, not copied")
    func dataWrites() throws {
        let small = ByteBuffer(bytes: Array(repeating: 1, count: FrameEncoder.inlinePayloadLimit))
        let (header, payload) = FrameEncoder.encode(.data(stream: 3, flags: .fin, payload: small), allocator: ByteBufferAllocator())
        #expect(payload == nil)
        #expect(header.readableBytes == WireFormat.headerSize + small.readableBytes)
        var whole = header
        #expect(try Self.parse(&whole) == .data(stream: 3, flags: .fin, payload: small))

        let large = ByteBuffer(bytes: Array(repeating: 2, count: FrameEncoder.inlinePayloadLimit + 1))
        let (largeHeader, largePayload) = FrameEncoder.encode(.data(stream: 5, flags: [], payload: large), allocator: ByteBufferAllocator())
        #expect(largeHeader.readableBytes == WireFormat.headerSize)
        let sent = try #require(largePayload)
        #expect(sent.withUnsafeReadableBytes { $0.baseAddress } == large.withUnsafeReadableBytes { $0.baseAddress },
                "the payload's own storage, not a copy")
    }

    @Test("every frame survives encode → decode, whole and fed one byte at a time", arguments: samples)
    func roundTrip(frame: Frame) throws {
        let bytes = Self.bytes(frame)
        var whole = ByteBuffer(bytes: bytes)
        #expect(try Self.parse(&whole) == frame)
        #expect(whole.readableBytes == 0)

        // One byte at a time: a control frame appears whole after its last byte; a DATA payload
        // comes out in parts whose bytes add up, with the flags on the last part only.
        var parser = FrameParser()
        var trickle = ByteBuffer()
        var parts: [Frame] = []
        for byte in bytes {
            trickle.writeInteger(byte)
            while let part = try parser.nextFrame(from: &trickle) { parts.append(part) }
        }
        #expect(Self.merge(parts) == frame)
        if case .data(_, _, let payload) = frame, payload.readableBytes > 1 {
            #expect(parts.count == payload.readableBytes)
            #expect(parts.dropLast().allSatisfy { if case .data(_, let flags, _) = $0 { flags.isEmpty } else { false } })
        } else {
            #expect(parts.count == 1)
        }
    }

    @Test("a DATA payload split across reads comes out as slices of each read, the FIN on the last part")
    func dataInParts() throws {
        let bytes = Self.bytes(.data(stream: 3, flags: .fin, payload: ByteBuffer(bytes: Array(repeating: 7, count: 100))))
        var parser = FrameParser()
        var first = ByteBuffer(bytes: bytes[0..<50])
        let one = try parser.nextFrame(from: &first)
        #expect(one == .data(stream: 3, flags: [], payload: ByteBuffer(bytes: Array(repeating: 7, count: 38))))
        #expect(try parser.nextFrame(from: &first) == nil)
        var second = ByteBuffer(bytes: bytes[50...] + Self.bytes(.ping(ack: false, opaque: 1)))
        #expect(try parser.nextFrame(from: &second) == .data(stream: 3, flags: .fin, payload: ByteBuffer(bytes: Array(repeating: 7, count: 62))))
        #expect(try parser.nextFrame(from: &second) == .ping(ack: false, opaque: 1))
    }

    /// Parts of one DATA frame joined again (anything else must be a single frame).
    static func merge(_ parts: [Frame]) -> Frame? {
        guard parts.count > 1 else { return parts.first }
        var joined = ByteBuffer()
        var last: (UInt32, FrameFlags)?
        for part in parts {
            guard case .data(let stream, let flags, var payload) = part else { return nil }
            joined.writeBuffer(&payload)
            last = (stream, flags)
        }
        return last.map { .data(stream: $0.0, flags: $0.1, payload: joined) }
    }

    static func parse(_ buffer: inout ByteBuffer, maxPayload: Int = WireFormat.defaultMaxPayload) throws -> Frame? {
        var parser = FrameParser(maxPayload: maxPayload)
        return try parser.nextFrame(from: &buffer)
    }

    @Test("hostile headers are refused with a precise error", arguments: [
        ([1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0], FrameError.unsupportedVersion(1)),
        ([0, 9, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0], FrameError.unknownType(9)),
        ([0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 0xFF, 0xFF, 0xFF], FrameError.payloadTooLarge(length: 0x7FFF_FFFF, limit: 1 << 20)),
        ([0, 0, 0, 0x10, 0, 0, 0, 1, 0, 0, 0, 0], FrameError.invalidFlags(type: .data, flags: 0x10)),
        ([0, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0], FrameError.invalidRoutingKey),
        ([0, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0xC3, 0x28], FrameError.invalidRoutingKey),
        // A destination without its hop byte, an empty destination, a separator inside the destination.
        ([0, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3, 0x61, 0, 0x62], FrameError.invalidRoutingKey),
        ([0, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4, 0x61, 0, 0, 5], FrameError.invalidRoutingKey),
        ([0, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 7, 0x61, 0, 0x62, 0, 0x63, 0, 5], FrameError.invalidRoutingKey),
    ] as [([UInt8], FrameError)])
    func hostile(bytes: [UInt8], error: FrameError) {
        var buffer = ByteBuffer(bytes: bytes)
        #expect(throws: error) { try Self.parse(&buffer) }
    }

    @Test("an oversized frame is refused from its header alone, before its payload arrives")
    func oversizedEarly() {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 1, 0, 0x20, 0, 0])
        #expect(throws: FrameError.payloadTooLarge(length: 2 << 20, limit: 1 << 20)) { try Self.parse(&buffer) }
    }

    @Test("random garbage never crashes the parser: it yields frames, waits, or throws")
    func fuzz() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let count = Int.random(in: 0..<64, using: &generator)
            var buffer = ByteBuffer(bytes: (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
            var parser = FrameParser(maxPayload: 64)
            for _ in 0..<8 {
                guard (try? parser.nextFrame(from: &buffer)) != nil else { break }
            }
        }
    }
}

extension Frame: CustomTestStringConvertible {
    public var testDescription: String { "\(self)" }
}
