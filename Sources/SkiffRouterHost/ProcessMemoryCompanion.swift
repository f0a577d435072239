import CMallocInfo
import Foundation
import Logging
import NIOCore
import SkiffRouter
import SkiffRouterAPI

/// Adds the router process's memory to its status: resident and anonymous bytes from
/// `/proc/self/status`, heap in use and held free from the allocator. Read on the router's loop
/// when status is asked for (the allocator's figures take a walk of its free lists: cheap for a
/// router's few megabytes of heap, and never on a flow's path). Owns the `HeapReturner` that
/// keeps what bursts free from staying resident.
final class ProcessMemoryCompanion: RouterCompanion {
    let loop: EventLoop
    private let returner: HeapReturner

    init(loop: EventLoop, logger: Logger) {
        self.loop = loop
        self.returner = HeapReturner(logger: logger)
    }

    func apply(_ config: RouterConfig, reloadCertificates: Bool) -> EventLoopFuture<Void> {
        loop.makeSucceededVoidFuture()
    }

    func addStatus(to status: RouterStatus) -> EventLoopFuture<RouterStatus> {
        var status = status
        status.memory = Self.read()
        return loop.makeSucceededFuture(status)
    }

    func shutdown() -> EventLoopFuture<Void> {
        returner.stop()
        return loop.makeSucceededVoidFuture()
    }

    /// This process's memory now (nil without /proc; heap figures nil where the allocator cannot tell).
    static func read() -> RouterStatus.Memory? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        func kib(_ field: String) -> Int? {
            text.split(separator: "\n").first { $0.hasPrefix(field + ":") }
                .flatMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first }
                .flatMap { Int($0) }
        }
        guard let resident = kib("VmRSS"), let anonymous = kib("RssAnon") else { return nil }
        var inUse: UInt64 = 0, free: UInt64 = 0
        let known = skiff_heap_usage(&inUse, &free) == 1
        return RouterStatus.Memory(residentBytes: resident << 10, anonymousBytes: anonymous << 10,
                                   heapInUseBytes: known ? Int(clamping: inUse) : nil, heapFreeBytes: known ? Int(clamping: free) : nil)
    }
}
