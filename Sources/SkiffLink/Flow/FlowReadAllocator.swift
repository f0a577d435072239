import NIOCore

/// How much a flow's next TCP read may take: what its stream can send at once. Owned by the
/// stream, read by its channel's receive allocator; both on the router's event loop (checked).
final class ReadLimit: @unchecked Sendable {
    private let loop: EventLoop
    private var value: Int
    /// The link the stream is on.
    private weak var link: LinkSession?

    init(loop: EventLoop, bytes: Int, link: LinkSession?) {
        self.loop = loop
        self.value = bytes
        self.link = link
    }

    /// What the stream last allowed, and while its link cannot write at most a quantum: a stream
    /// that sent nothing in this drain round may read that much (`StreamState.readAllowance`), and
    /// the link tells only the streams that sent, not every idle one, when it fills.
    var bytes: Int {
        get {
            loop.preconditionInEventLoop()
            guard let link, !link.isWritable else { return value }
            return min(value, LinkStateMachine.drainQuantum)
        }
        set {
            loop.preconditionInEventLoop()
            value = newValue
        }
    }
}

/// The receive allocator of a flow's TCP connection: adaptive sizes (16 KiB growing to 1 MiB for
/// bulk flows), but never more than the stream's send window allows, so bytes read and not yet
/// sendable stay within the window instead of pinning a megabyte per stalled flow. NIO reads into a
/// buffer of this size only because the flow's handler keeps NIO from reusing one
/// (`ReceiveBufferPin`); a reused buffer is read to its full size.
struct FlowReadAllocator: RecvByteBufferAllocator {
    private var adaptive = AdaptiveRecvByteBufferAllocator(minimum: 16 << 10, initial: 16 << 10, maximum: 1 << 20)
    let limit: ReadLimit

    /// Smallest read: below it a read is not worth a system call (the stream reads only with window left).
    static let minimumRead = 4 << 10

    init(limit: ReadLimit) {
        self.limit = limit
    }

    func nextBufferSize() -> Int? {
        max(Self.minimumRead, min(adaptive.nextBufferSize() ?? (1 << 20), limit.bytes))
    }

    func buffer(allocator: ByteBufferAllocator) -> ByteBuffer {
        allocator.buffer(capacity: nextBufferSize()!)
    }

    mutating func record(actualReadBytes: Int) -> Bool {
        adaptive.record(actualReadBytes: actualReadBytes)
    }
}
