import NIOCore
@testable import SkiffRouter
import Testing

@Suite("Wire format: constants, encoding, hostile bytes")
struct FrameParserTests {
    @Test("every wire number is pinned")
    func constants() {
        #expect(WireFormat.headerSize == 12)
        #expect(WireFormat.version == 0)
        #expect(FrameType.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 5, 6, 7])
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
    ]

    @Test("a data frame header is laid out as the protocol document says")
    func layout() {
        let bytes = Self.bytes(.data(stream: 0x0102_0304, flags: .fin, payload: ByteBuffer(bytes: [0xAA, 0xBB])))
        #expect(bytes == [0, 0, 0x00, 0x04, 1, 2, 3, 4, 0, 0, 0, 2, 0xAA, 0xBB])
    }

    @Test("every frame survives encode → decode, whole and fed one byte at a time", arguments: samples)
    func roundTrip(frame: Frame) throws {
        let bytes = Self.bytes(frame)
        var whole = ByteBuffer(bytes: bytes)
        #expect(try FrameParser().nextFrame(from: &whole) == frame)
        #expect(whole.readableBytes == 0)

        var trickle = ByteBuffer()
        var decoded: Frame?
        for (index, byte) in bytes.enumerated() {
            trickle.writeInteger(byte)
            decoded = try FrameParser().nextFrame(from: &trickle)
            if index < bytes.count - 1 { #expect(decoded == nil, "a frame appeared after \(index + 1) of \(bytes.count) bytes") }
        }
        #expect(decoded == frame)
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
        #expect(throws: error) { try FrameParser().nextFrame(from: &buffer) }
    }

    @Test("an oversized frame is refused from its header alone, before its payload arrives")
    func oversizedEarly() {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 1, 0, 0x20, 0, 0])
        #expect(throws: FrameError.payloadTooLarge(length: 2 << 20, limit: 1 << 20)) { try FrameParser().nextFrame(from: &buffer) }
    }

    @Test("random garbage never crashes the parser: it yields frames, waits, or throws")
    func fuzz() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let count = Int.random(in: 0..<64, using: &generator)
            var buffer = ByteBuffer(bytes: (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
            for _ in 0..<8 {
                guard (try? FrameParser(maxPayload: 64).nextFrame(from: &buffer)) != nil else { break }
            }
        }
    }
}

extension Frame: CustomTestStringConvertible {
    public var testDescription: String { "\(self)" }
}
