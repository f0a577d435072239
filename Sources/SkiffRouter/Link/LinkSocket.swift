#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// What a link's socket may queue. A link carries every flow between two sites, so whatever is
/// queued ahead of a small request delays it by as long as those bytes take to cross: on a
/// 10 Mbit/s link a 4 MiB queue is three seconds. So the kernel keeps at most `unsentLimit` bytes
/// it has not sent yet (TCP_NOTSENT_LOWAT; bytes in flight do not count, so a fast, long link
/// still fills its pipe), and NIO at most `waterMark`; beyond them, flows wait in their own queues,
/// where the link sends small messages before bulk (`LinkStateMachine.nextToSend`).
enum LinkSocket {
    static let waterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 32 << 10, high: 128 << 10)
    static let unsentLimit: SocketOptionValue = 64 << 10
    static let notSentLowat = ChannelOptions.Types.SocketOption(level: .tcp, name: NIOBSDSocket.Option(rawValue: CInt(TCP_NOTSENT_LOWAT)))
}
