import NIOCore

/// Bytes in, `Frame`s out: the `FrameParser` inside NIO's decoder plumbing.
final class FrameDecoderHandler: ByteToMessageDecoder {
    typealias InboundOut = Frame

    var parser: FrameParser

    init(maxPayload: Int) {
        parser = FrameParser(maxPayload: maxPayload)
    }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try parser.nextFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
