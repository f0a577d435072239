import NIOCore

/// The options of every flow's TCP connection, at a listener or to a connector: half-closure
/// passed on as a FIN, one read per wakeup (each into a buffer of its own: `ReceiveBufferPin`). Set
/// synchronously from the channel's initializer: a bootstrap's channel options each cost a
/// future, which a profile of new flows put at 7% of the connector side's time.
///
/// How much each read takes is set once the flow's way is known: a flow on a link reads what its
/// window can send (`FlowStream.attach`), a local splice `spliceReads` (16 KiB growing to 1 MiB).
///
/// No Nagle delay either, but not set here: it is set where each socket is made, once (the
/// connector dialler on the sockets it dials, a connector's `ClientBootstrap` on those NIO dials for
/// a host name, a listener's `ServerBootstrap` on the listening socket, whose accepted sockets
/// inherit it); setting it again cost each flow a system call. `noDelay` names the option for the
/// bootstraps, so that neither depends on NIO's defaults.
enum FlowSocketOptions {
    static let noDelay = ChannelOptions.tcpOption(.tcp_nodelay)

    static func apply(to channel: Channel) throws {
        guard let options = channel.syncOptions else { throw ChannelError.operationUnsupported }
        try options.setOption(ChannelOptions.allowRemoteHalfClosure, value: true)
        try options.setOption(ChannelOptions.maxMessagesPerRead, value: 1)
    }

    /// Reads of a connection spliced to another at this router: 16 KiB, growing to 1 MiB.
    static func spliceReads(_ channel: Channel) throws {
        guard let options = channel.syncOptions else { throw ChannelError.operationUnsupported }
        try options.setOption(ChannelOptions.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 16 << 10, initial: 16 << 10, maximum: 1 << 20))
    }
}
