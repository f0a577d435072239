import NIOCore

/// The frames a link sends between two flushes, gathered into one buffer so they leave as one
/// write, and so as one TLS record: swift-nio-ssl seals each write as a record of its own, and a
/// record costs a seal here, an open at the peer and 22 bytes on the wire whatever it carries.
/// Under a stream of short flows a flush carries many flows' OPENs, requests, answers and FINs.
///
/// A batch holds at most `limit` bytes, a TLS record's largest plaintext, so it never spans two
/// records; a frame that would overflow it starts the next. A data payload too large to copy
/// (`FrameEncoder.inlinePayloadLimit`) ends the batch: the batch, holding its header, is written,
/// then the payload as the buffer it arrived in. Bytes in the batch are not yet the channel's, so
/// its writability does not see them; there are at most `limit` of them per link.
package struct FrameBatch {
    /// A TLS record's largest plaintext (RFC 8446, 5.1).
    package static let limit = 16384
    /// Room a new batch starts with: a few short flows' frames, within malloc's fast sizes.
    private static let initialCapacity = 1024
    /// A batch holding this much of short flows' frames is worth a record of its own now
    /// (`isPrompt`); a data frame this large or larger is bulk, which waits for the flush.
    package static let prompt = 1024

    private var buffer: ByteBuffer?
    /// Bytes in `buffer` of frames that open a flow, end one or carry a short message (counted
    /// afresh for each new buffer).
    private var promptBytes = 0

    package init() {}

    /// Whether the batch holds `prompt` bytes of short flows' frames, so should not wait for the
    /// end of the loop's tick (`LinkSession.flushSoon`).
    package var isPrompt: Bool { buffer != nil && promptBytes >= Self.prompt }

    /// Adds `frame`. `write` is given, in order, what must be written now: the batch when the
    /// frame does not fit in it, and the batch and a large payload when the frame carries one.
    package mutating func add(_ frame: Frame, allocator: ByteBufferAllocator, write: (ByteBuffer) -> Void) {
        let size = FrameEncoder.inlineSize(of: frame)
        if let full = buffer, full.readableBytes + size > Self.limit {
            buffer = nil
            write(full)
        }
        var batch: ByteBuffer
        if let held = buffer {
            batch = held
        } else {
            // A bulk frame's header alone (its payload ends the batch at once) needs no room to spare.
            batch = allocator.buffer(capacity: FrameEncoder.carriesSeparatePayload(frame) ? size : max(size, Self.initialCapacity))
            promptBytes = 0
        }
        buffer = nil  // the batch is written to while held once only, so it is never copied
        if let payload = FrameEncoder.append(frame, to: &batch) {
            write(batch)
            write(payload)
        } else {
            buffer = batch
            if Self.isShort(frame) { promptBytes += size }
        }
    }

    /// An OPEN, or data under `prompt` bytes (a request, an answer, a FIN): frames whose wait is
    /// a flow's latency. Bulk data and control frames wait for the flush.
    private static func isShort(_ frame: Frame) -> Bool {
        switch frame {
        case .open: true
        case .data(_, _, let payload): payload.readableBytes < prompt
        default: false
        }
    }

    /// The frames gathered so far, to be written; the batch is empty after.
    package mutating func take() -> ByteBuffer? {
        defer { buffer = nil }
        return buffer
    }
}
