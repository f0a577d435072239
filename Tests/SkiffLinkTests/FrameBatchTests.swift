import NIOCore
@testable import SkiffLink
import Testing

@Suite("Frame batch: a flush's frames in one TLS record")
struct FrameBatchTests {
    /// Adds every frame; returns what the batch asked to be written at once, and what it held after.
    static func gather(_ frames: [Frame]) -> (written: [ByteBuffer], held: ByteBuffer?) {
        var batch = FrameBatch()
        var written: [ByteBuffer] = []
        for frame in frames { batch.add(frame, allocator: ByteBufferAllocator()) { written.append($0) } }
        return (written, batch.take())
    }

    static func parseAll(_ buffers: [ByteBuffer]) throws -> [Frame] {
        var bytes = ByteBuffer()
        for var buffer in buffers { bytes.writeBuffer(&buffer) }
        var parser = FrameParser()
        var frames: [Frame] = []
        while let frame = try parser.nextFrame(from: &bytes) { frames.append(frame) }
        #expect(bytes.readableBytes == 0)
        return frames
    }

    @Test("small frames of many streams wait, and leave as one buffer that parses back to the same frames in order")
    func smallFramesGather() throws {
        let frames: [Frame] = (0..<20).flatMap { index -> [Frame] in
            let stream = UInt32(2 * index + 1)
            return [.open(stream: stream, routingKey: "http"), .data(stream: stream, flags: [], payload: ByteBuffer(string: "GET / HTTP/1.0\r\n\r\n")),
                    .data(stream: stream, flags: .fin, payload: ByteBuffer()), .windowUpdate(stream: stream, delta: 100)]
        }
        let (written, held) = Self.gather(frames)
        #expect(written.isEmpty, "nothing is written before the flush")
        let batch = try #require(held)
        #expect(try Self.parseAll([batch]) == frames)
        var empty = FrameBatch()
        #expect(empty.take() == nil, "a new batch holds nothing")
    }

    @Test("a batch never holds more than a TLS record's largest plaintext: the frame that would overflow it starts the next")
    func recordLimit() throws {
        let frames = (0..<10).map { Frame.data(stream: UInt32(2 * $0 + 1), flags: [], payload: ByteBuffer(repeating: UInt8($0), count: 4000)) }
        let (written, held) = Self.gather(frames)
        let buffers = written + [try #require(held)]
        #expect(buffers.allSatisfy { $0.readableBytes <= FrameBatch.limit }, "\(buffers.map(\.readableBytes))")
        #expect(buffers.count == 3, "four frames of 4,012 bytes fit in 16 KiB, a fifth does not: \(buffers.map(\.readableBytes))")
        #expect(try Self.parseAll(buffers) == frames)
    }

    @Test("a large payload ends the batch: the batch carrying its header is written, then the payload itself, not a copy")
    func largePayloadEndsBatch() throws {
        let large = ByteBuffer(repeating: 9, count: FrameEncoder.inlinePayloadLimit + 1)
        let frames: [Frame] = [.open(stream: 1, routingKey: "iperf"), .data(stream: 1, flags: [], payload: large),
                               .windowUpdate(stream: 2, delta: 7)]
        let (written, held) = Self.gather(frames)
        #expect(written.count == 2)
        #expect(written.first?.readableBytes == 2 * WireFormat.headerSize + "iperf".utf8.count, "the OPEN and the DATA header")
        #expect(written.last?.withUnsafeReadableBytes { $0.baseAddress } == large.withUnsafeReadableBytes { $0.baseAddress })
        #expect(held?.readableBytes == WireFormat.headerSize, "what follows starts a new batch")
        #expect(try Self.parseAll(written + [try #require(held)]) == frames)
    }

    @Test("a frame larger than a record goes alone, after the batch before it")
    func oversizedControlFrame() throws {
        let summary = Frame.summary(ByteBuffer(repeating: UInt8(ascii: " "), count: FrameBatch.limit))
        let frames: [Frame] = [.ping(ack: false, opaque: 1), summary, .ping(ack: true, opaque: 2)]
        let (written, held) = Self.gather(frames)
        #expect(written.map(\.readableBytes) == [WireFormat.headerSize, WireFormat.headerSize + FrameBatch.limit])
        #expect(try Self.parseAll(written + [try #require(held)]) == frames)
    }

    @Test("a batch is prompt once it holds 1 KiB of short flows' frames; bulk data and control frames do not count")
    func prompt() {
        var batch = FrameBatch()
        let allocator = ByteBufferAllocator()
        var written: [ByteBuffer] = []
        // Bulk data (1 KiB or more, copied into the batch) and window updates never make it prompt.
        for stream in stride(from: UInt32(1), to: 9, by: 2) {
            batch.add(.data(stream: stream, flags: [], payload: ByteBuffer(repeating: 1, count: FrameBatch.prompt)), allocator: allocator) { written.append($0) }
            batch.add(.windowUpdate(stream: stream, delta: 1000), allocator: allocator) { written.append($0) }
        }
        #expect(!batch.isPrompt)
        #expect(written.isEmpty)
        // Short flows' OPENs, requests and FINs do, once they add up to 1 KiB.
        var short = 0
        var stream: UInt32 = 11
        while short < FrameBatch.prompt {
            #expect(!batch.isPrompt, "\(short) bytes")
            for frame: Frame in [.open(stream: stream, routingKey: "http"), .data(stream: stream, flags: .fin, payload: ByteBuffer(string: "GET /"))] {
                batch.add(frame, allocator: allocator) { written.append($0) }
                short += FrameEncoder.inlineSize(of: frame)
            }
            stream += 2
        }
        #expect(batch.isPrompt)
        #expect(batch.take() != nil)
        #expect(!batch.isPrompt, "a flushed batch starts again")
    }
}
