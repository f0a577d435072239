import CMallocInfo
import Dispatch
import Logging

/// Gives the router's freed heap back to the system after bursts.
///
/// glibc keeps what a burst freed: a thousand flows' buffers leave megabytes free inside the
/// event loop's arena, which stay resident (the soak of issue 15 saw a router's anonymous memory
/// climb 15 MiB over ten minutes while the heap in use did not move). glibc returns only the top
/// of a heap by itself; `malloc_trim` also releases the whole free pages inside it. So every
/// `interval` this looks at the allocator's free bytes and trims when they pass `threshold` and
/// have changed since the last trim (the allocator still counts trimmed pages as free: without
/// the check a quiet router would trim the same pages again and again).
///
/// It runs on its own queue, never the event loop: a trim walks every arena's free lists, and
/// the loop's allocations wait on the arena lock for only that long.
///
/// `@unchecked Sendable`: the Dispatch source is set once in `init` and only cancelled after,
/// which Dispatch allows from any thread; `trimmedAt` is touched only on `queue`.
final class HeapReturner: @unchecked Sendable {
    /// Seconds between looks at the heap.
    static let interval: Double = 10
    /// Free heap worth returning: below this a trim costs more page faults than it saves.
    static let threshold: UInt64 = 4 << 20

    private let queue = DispatchQueue(label: "skiff.heap-returner", qos: .utility)
    private let timer: DispatchSourceTimer
    private let logger: Logger
    /// Free bytes the allocator counted at the last trim.
    private var trimmedAt: UInt64 = 0

    init(logger: Logger) {
        self.logger = logger
        self.timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + Self.interval, repeating: Self.interval, leeway: .seconds(1))
        timer.setEventHandler { [weak self] in self?.look() }
        timer.resume()
    }

    func stop() {
        timer.cancel()
    }

    /// Trims when the allocator holds more than `threshold` free and the heap moved since the last trim.
    private func look() {
        dispatchPrecondition(condition: .onQueue(queue))
        var inUse: UInt64 = 0, free: UInt64 = 0
        guard skiff_heap_usage(&inUse, &free) == 1, free > Self.threshold, free != trimmedAt else { return }
        let released = skiff_release_free_heap() == 1
        trimmedAt = free
        logger.debug("returned free heap to the system", metadata: [
            "heap_in_use_bytes": "\(inUse)", "heap_free_bytes": "\(free)", "released": "\(released)",
        ])
    }
}
