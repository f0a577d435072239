import NIOCore

/// Bytes in, frames to the link's session: the `FrameParser` inside NIO's decoder plumbing.
///
/// Each frame is handed to the session by a call, not fired down the pipeline: as a pipeline
/// message a frame is boxed (it is larger than `NIOAny`'s inline storage), an allocation and a
/// dynamic cast per frame, two or three of them for each short flow at each router. A parse error
/// still goes down the pipeline (`ByteToMessageHandler` fires it), where the session closes the
/// link for it.
final class FrameDecoderHandler: ByteToMessageDecoder {
    typealias InboundOut = Never

    var parser: FrameParser
    /// Held strongly: the pipeline holds both and lets go of both when the channel closes.
    private let session: LinkSession

    init(maxPayload: Int, session: LinkSession) {
        parser = FrameParser(maxPayload: maxPayload)
        self.session = session
    }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try parser.nextFrame(from: &buffer) else { return .needMoreData }
        session.received(frame)
        return .continue
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
