import NIOCore

/// Keeps NIO from reusing one receive buffer for the life of a flow's connection.
///
/// A NIO socket channel keeps the first buffer it read into and reads into it again whenever
/// nothing else holds it, growing it to each read's size and never shrinking it. So a flow that
/// once moved bulk data kept a 1 MiB buffer for as long as it stayed open (100 flows that echoed
/// 8 MiB each, then idled, held 1.3 MiB each at both routers), and every read filled the whole
/// buffer, whatever its stream's window allowed (`FlowReadAllocator`'s limit went unheeded).
///
/// Holding that first buffer (a small one: the first read's) makes NIO allocate each read's buffer
/// at the size the allocator asks for, released once its bytes have left: a flow holds memory
/// only for bytes in flight, and a read takes at most what its stream may send.
struct ReceiveBufferPin {
    private var first: ByteBuffer?

    /// Called with every buffer the connection read, in order; keeps the first.
    mutating func saw(_ buffer: ByteBuffer) {
        if first == nil { first = buffer }
    }
}
