import Foundation

/// Tests that load both cores on their own (1,000 stalled flows, a 50-router mesh, iperf3 at full
/// speed) take turns. Side by side they starve each other's routers into keepalive timeouts and
/// flapping links, which tests nothing but the machine; every other test still runs beside them.
public enum HeavyTests {
    private static let lock = NSLock()

    public static func oneAtATime<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
