import Foundation
import SkiffTestSupport

/// A network of hosts on one machine: each site in a network namespace of its own, joined to the
/// sites it links with by veth pairs on addresses this lab assigns (10.77.<link>.1 and .2), with
/// per-link impairments — a partition or random loss (nftables), a rate limit (tc tbf). Every
/// namespace it makes it removes when released, pass or fail; `sweep` removes what a crashed run
/// left. No address outside the lab's namespaces is ever used.
final class Netlab: @unchecked Sendable {
    /// Root, and asked for (`make test-netlab` sets SKIFF_NETLAB=1): the lab needs to make namespaces.
    static var available: Bool {
        getuid() == 0 && ProcessInfo.processInfo.environment["SKIFF_NETLAB"] == "1"
    }

    static let prefix = "skl-"

    struct Pair: Sendable {
        var a: String
        var b: String
        var index: Int
        /// The interface at `site` toward the other end.
        func interface(at site: String) -> String { "to-" + String((site == a ? b : a).prefix(12)) }
        func address(of site: String) -> String { "10.77.\(index).\(site == a ? 1 : 2)" }
        func peer(of site: String) -> String { site == a ? b : a }
    }

    let id: String
    let sites: [String]
    private(set) var pairs: [Pair] = []
    private var cleaned = false

    /// Namespaces for `sites`, joined as `pairs` says (each a direct link between two hosts).
    init(sites: [String], pairs wanted: [(String, String)]) throws {
        Self.sweepIfStale()
        id = "\(getpid())x\(Int.random(in: 100...999))"
        self.sites = sites
        do {
            for site in sites {
                try Self.ip(["netns", "add", namespace(site)])
                try exec(site, ["ip", "link", "set", "lo", "up"])
            }
            for (index, pair) in wanted.enumerated() {
                let link = Pair(a: pair.0, b: pair.1, index: index + 1)
                try Self.ip(["link", "add", link.interface(at: link.a), "netns", namespace(link.a), "type", "veth",
                             "peer", "name", link.interface(at: link.b), "netns", namespace(link.b)])
                for site in [link.a, link.b] {
                    try exec(site, ["ip", "addr", "add", link.address(of: site) + "/30", "dev", link.interface(at: site)])
                    try exec(site, ["ip", "link", "set", link.interface(at: site), "up"])
                }
                pairs.append(link)
            }
            for site in sites { try exec(site, ["nft", "add", "table", "inet", "lab"]) }
        } catch {
            cleanup()
            throw error
        }
    }

    deinit { cleanup() }

    func namespace(_ site: String) -> String { Self.prefix + id + "-" + site }

    func pair(_ a: String, _ b: String) -> Pair {
        pairs.first { Set([$0.a, $0.b]) == Set([a, b]) }!
    }

    /// `site`'s address on its link to `peer`.
    func address(of site: String, toward peer: String) -> String {
        pair(site, peer).address(of: site)
    }

    /// Runs `command` inside `site`'s namespace; throws when it fails.
    @discardableResult
    func exec(_ site: String, _ command: [String], timeout: Double = 120) throws -> CommandResult {
        try Command.check("ip", ["netns", "exec", namespace(site)] + command, timeout: timeout)
    }

    /// Runs `command` inside `site`'s namespace and returns what it did, failed or not.
    func run(_ site: String, _ command: [String], environment: [String: String] = [:], timeout: Double = 120) throws -> CommandResult {
        try Command.run("ip", ["netns", "exec", namespace(site)] + command, environment: environment, timeout: timeout)
    }

    /// A long-running program inside `site`'s namespace (killed when released).
    func background(_ site: String, _ command: [String], logPath: String? = nil) throws -> BackgroundProcess {
        try BackgroundProcess("/usr/sbin/ip", ["netns", "exec", namespace(site)] + command, logPath: logPath)
    }

    // MARK: Impairments

    /// Every packet between `a` and `b` is dropped, both ways: no FIN, no RST, silence.
    func partition(_ a: String, _ b: String) throws {
        let link = pair(a, b)
        for site in [a, b] {
            try chain(site, "partition-\(link.index)", "iifname \"\(link.interface(at: site))\" drop")
            try chain(site, "partition-out-\(link.index)", "oifname \"\(link.interface(at: site))\" drop", hook: "output")
        }
    }

    func heal(_ a: String, _ b: String) throws {
        let link = pair(a, b)
        for site in [a, b] {
            try deleteChain(site, "partition-\(link.index)")
            try deleteChain(site, "partition-out-\(link.index)")
        }
    }

    /// `percent` of the packets arriving over the link at each end are dropped.
    func loss(_ a: String, _ b: String, percent: Int) throws {
        let link = pair(a, b)
        for site in [a, b] {
            try chain(site, "loss-\(link.index)", "iifname \"\(link.interface(at: site))\" numgen random mod 100 < \(percent) drop")
        }
    }

    /// Each end sends at most `megabits` per second over the link (tc's token bucket filter).
    func rate(_ a: String, _ b: String, megabits: Int) throws {
        let link = pair(a, b)
        for site in [a, b] {
            try exec(site, ["tc", "qdisc", "replace", "dev", link.interface(at: site), "root", "tbf", "rate", "\(megabits)mbit",
                            "burst", "32kbit", "latency", "200ms"])
        }
    }

    /// Nothing can open a TCP connection to `site` (SYNs arriving on any of its links are dropped);
    /// it can still open connections out.
    func refuseInbound(_ site: String) throws {
        try chain(site, "no-inbound", "iifname \"to-*\" tcp flags & (syn | ack) == syn drop")
    }

    private func chain(_ site: String, _ name: String, _ rule: String, hook: String = "input") throws {
        try exec(site, ["nft", "add chain inet lab \(name) { type filter hook \(hook) priority 0 ; }"])
        try exec(site, ["nft", "add rule inet lab \(name) \(rule)"])
    }

    private func deleteChain(_ site: String, _ name: String) throws {
        try exec(site, ["nft", "delete chain inet lab \(name)"])
    }

    // MARK: Cleanup

    /// Removes every namespace this lab made (their interfaces and rules go with them).
    func cleanup() {
        guard !cleaned else { return }
        cleaned = true
        for site in sites {
            // Whatever still runs in the namespace (a router started detached by apply) goes first.
            if let pids = try? Command.run("ip", ["netns", "pids", namespace(site)]).stdout {
                for pid in pids.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
            }
            _ = try? Self.ip(["netns", "del", namespace(site)])
        }
    }

    /// Namespaces a crashed run of this lab left behind (the process that made them is gone) are removed.
    static func sweepIfStale() {
        guard let names = try? Command.run("ip", ["netns", "list"]).stdout else { return }
        for line in names.split(separator: "\n") {
            let name = String(line.split(separator: " ").first ?? "")
            // skl-<pid>x<random>-<site>
            guard name.hasPrefix(prefix), let owner = Int32(name.dropFirst(prefix.count).prefix { $0.isNumber }) else { continue }
            if kill(owner, 0) == 0 { continue }
            if let pids = try? Command.run("ip", ["netns", "pids", name]).stdout {
                for pid in pids.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
            }
            _ = try? ip(["netns", "del", name])
        }
    }

    @discardableResult
    private static func ip(_ arguments: [String]) throws -> CommandResult {
        try Command.check("ip", arguments)
    }
}
