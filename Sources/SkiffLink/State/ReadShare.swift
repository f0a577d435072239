/// How much one stream of a link may read from TCP at once while several bulk streams share the
/// link: together about `budget`, each an equal share, never less than `minimum`.
///
/// Why: what a link's flows read in one turn of the event loop is framed, encrypted in one TLS
/// flush and written to the link socket. A bulk flow reads up to 1 MiB at once; eight of them
/// made flushes of up to 7 MB, every copy on the way (socket to buffer, into the TLS output, to
/// the link socket) cost 40–90% more per byte than with one flow, and eight flows moved 5–10% less
/// than one did. Shared, eight read 256 KiB each and a turn carries about what one flow's does;
/// a lone bulk flow still reads 1 MiB.
///
/// A bulk stream is one whose last read was at least `bulkRead`: it stops counting when it reads
/// less (its tail, or a request) or ends. A pure value, held by the link's `LinkStateMachine`.
struct ReadShare: Sendable, Hashable {
    /// What the link's bulk streams read together at a time.
    static let budget = 2 << 20
    /// The least a bulk stream's share falls to, however many there are.
    static let minimum = 256 << 10
    /// A read this large makes its stream a bulk reader.
    static let bulkRead = 64 << 10

    /// Streams whose last read was a bulk one.
    private(set) var bulkReaders = Set<UInt32>()

    /// What one stream may read at once now.
    var bytes: Int { max(Self.minimum, Self.budget / max(1, bulkReaders.count)) }

    /// Stream `id` read `count` bytes from TCP.
    mutating func read(_ count: Int, on id: UInt32) {
        if count >= Self.bulkRead {
            bulkReaders.insert(id)
        } else if !bulkReaders.isEmpty {
            bulkReaders.remove(id)
        }
    }

    /// Stream `id` ended.
    mutating func ended(_ id: UInt32) {
        bulkReaders.remove(id)
    }
}
