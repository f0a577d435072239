import NIOCore

/// The options of every flow's TCP connection, at a listener or to a connector: half-closure
/// passed on as a FIN, no Nagle delay, reads from 16 KiB growing to 1 MiB, one read per wakeup
/// (NIO pools one receive buffer per read). Set synchronously from the channel's initializer: a
/// bootstrap's channel options each cost a future, which a profile of new flows put at 7% of the
/// connector side's time.
enum FlowSocketOptions {
    static func apply(to channel: Channel) throws {
        guard let options = channel.syncOptions else { throw ChannelError.operationUnsupported }
        try options.setOption(ChannelOptions.allowRemoteHalfClosure, value: true)
        try options.setOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
        try options.setOption(ChannelOptions.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 16 << 10, initial: 16 << 10, maximum: 1 << 20))
        try options.setOption(ChannelOptions.maxMessagesPerRead, value: 1)
    }
}
