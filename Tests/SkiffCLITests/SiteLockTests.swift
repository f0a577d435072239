import Foundation
import SkiffPlan
import SkiffReconcile
import SkiffRouterAPI
import SkiffTestSupport
import Testing

/// One writer per site: the built binary, run as a user runs it, against a real flock
/// (util-linux `flock` checks it from outside).
@Suite("One site, one writer", .serialized)
struct SiteLockTests {
    static func lockPath(_ sites: AppliedSites, _ site: String) -> String { sites.path(site) + "/lock" }

    static func refusal(_ site: String, by holder: String) -> String {
        "Error: site \(site) is locked by \(holder); try again when it is done, or wait with --lock-timeout"
    }

    @Test("two applies at once: the second is refused naming the first (command and pid), and only one router runs")
    func concurrentApplies() throws {
        let sites = try AppliedSites()
        let first = try BackgroundProcess(SkiffBinary.path, ["apply", "--site", "west", "--state-dir", sites.path("west"),
                                                             "--repo", sites.repo.path])
        let holder = "skiff apply, pid \(first.process.processIdentifier)"
        #expect(eventually(timeout: 10) { SiteLock.holder(Self.lockPath(sites, "west")) == holder }, "the first apply holds the lock")
        let second = try sites.apply("west")
        #expect(second.status == 1)
        #expect(second.stderr.trimmingCharacters(in: .newlines) == Self.refusal("west", by: holder))
        #expect(eventually(timeout: 60) { !first.isRunning })
        #expect(first.process.terminationStatus == 0)
        #expect(SiteLock.holder(Self.lockPath(sites, "west")) == nil, "a finished writer leaves no holder named")
        #expect(RouterProcess.runningRouter(sites.path("west")) != nil)
        #expect(try sites.apply("west").status == 0, "the lock is free once the first apply is done")
    }

    @Test("--lock-timeout: 0s refuses at once while another process holds the lock; a longer timeout waits for it")
    func lockTimeout() throws {
        let sites = try AppliedSites()
        try FileManager.default.createDirectory(atPath: sites.path("west"), withIntermediateDirectories: true)
        // Held by a process that is not skiff and names nobody (util-linux flock, for 3 s).
        let holder = try BackgroundProcess("/usr/bin/flock", [Self.lockPath(sites, "west"), "sleep", "3"])
        #expect(eventually { (try? Command.run("flock", ["-n", Self.lockPath(sites, "west"), "true"]))?.status == 1 })
        let refused = try sites.skiff(["apply", "--site", "west", "--state-dir", sites.path("west"), "--lock-timeout", "0s"])
        #expect(refused.status == 1)
        #expect(refused.stderr.trimmingCharacters(in: .newlines)
            == "Error: site west is locked by another skiff command; try again when it is done, or wait with --lock-timeout")
        #expect(!FileManager.default.fileExists(atPath: sites.path("west") + "/pki"), "a refused apply wrote nothing")
        let waited = try sites.skiff(["apply", "--site", "west", "--state-dir", sites.path("west"), "--lock-timeout", "30s"])
        #expect(waited.status == 0, "\(waited.stderr)")
        #expect(!holder.isRunning)
        let bad = try sites.skiff(["apply", "--site", "west", "--state-dir", sites.path("west"), "--lock-timeout", "soon"])
        #expect(bad.status == 1 && bad.stderr.contains("--lock-timeout expects a duration"))
    }

    @Test("a running daemon holds its site: apply, token redeem and a second daemon are refused naming it; plan, status and validate run and write nothing; stop stops both")
    func daemonHoldsTheSite() throws {
        let site = try DaemonSite()
        let sites = site.sites
        let pidText = try String(contentsOfFile: sites.path("west") + "/daemon.pid", encoding: .utf8)
        let pid = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        let refusal = Self.refusal("west", by: "skiff daemon, pid \(pid)")
        #expect(try Command.run("flock", ["-n", Self.lockPath(sites, "west"), "true"]).status == 1, "a real flock, seen from outside")

        let apply = try sites.apply("west")
        #expect(apply.status == 1 && apply.stderr.trimmingCharacters(in: .newlines) == refusal)
        let token = try sites.state.write("token.yaml", "apiVersion: skupper.io/v2alpha1\nkind: AccessToken\nmetadata:\n  name: t\nspec: {}\n")
        let redeem = try sites.skiff(["token", "redeem", token, "--site", "west", "--state-dir", sites.path("west")])
        #expect(redeem.status == 1 && redeem.stderr.trimmingCharacters(in: .newlines) == refusal)
        let second = try sites.skiff(["daemon", "--site", "west", "--repo", sites.repo.path, "--state-dir", sites.path("west"),
                                      "--http", "127.0.0.1:\(try FreePort.next())"])
        #expect(second.status == 1 && second.stderr.trimmingCharacters(in: .newlines) == refusal)
        #expect(try String(contentsOfFile: sites.path("west") + "/daemon.pid", encoding: .utf8) == pidText,
                "the first daemon's pid file is intact")

        let before = try Self.listing(sites.path("west"))
        for arguments in [["plan", "--site", "west"], ["status", "--site", "west"], ["validate"]] {
            let result = try sites.skiff(arguments + (arguments[0] == "validate" ? [] : ["--state-dir", sites.path("west")]))
            #expect(result.status == 0 || result.status == 2, "\(arguments): \(result.stderr)")
        }
        #expect(try Self.listing(sites.path("west")) == before, "read-only commands wrote nothing")

        let stop = try sites.skiff(["stop", "--site", "west", "--state-dir", sites.path("west")])
        #expect(stop.status == 0, "\(stop.stderr)")
        #expect(stop.stdout.contains("Stopped the daemon of site west.") && stop.stdout.contains("Stopped the router of site west."))
        #expect(eventually { site.daemon?.isRunning == false })
        #expect(try sites.apply("west").status == 0, "the site is free again")
    }

    /// Every file under `path` with its size and modification time.
    static func listing(_ path: String) throws -> [String] {
        let files = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
        return try files.filter { !$0.hasSuffix(".sock") && !$0.hasSuffix(".log") }.sorted().map { file in
            let attributes = try FileManager.default.attributesOfItem(atPath: path + "/" + file)
            return "\(file) \(attributes[.size] ?? 0) \(attributes[.modificationDate] ?? "")"
        }
    }
}
