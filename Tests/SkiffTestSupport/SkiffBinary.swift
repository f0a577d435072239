import Foundation

/// The built `skiff` executable, run as a user runs it.
public enum SkiffBinary {
    /// `$SKIFF_BINARY` when set (a release build, or another commit's), else found beside the
    /// test bundle (same build folder), else in `.build/debug`.
    public static let path: String = {
        if let chosen = ProcessInfo.processInfo.environment["SKIFF_BINARY"], !chosen.isEmpty { return chosen }
        let arguments0 = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let candidates = [arguments0, Bundle.main.bundleURL.deletingLastPathComponent().path, Bundle.main.bundlePath, root + "/.build/debug"]
            .map { $0 + "/skiff" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }()

    /// Runs `skiff arguments…` in `directory` with a private cache and state home.
    public static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> CommandResult {
        try Command.run(path, arguments, in: directory, environment: environment)
    }

    /// `skiff daemon` for `site`, running beside the test (stopped when released), its HTTP
    /// endpoints on loopback `httpHost`:`httpPort`, logging to `logPath`; `extra` arguments follow.
    public static func daemon(site: String, repo: String, stateDirectory: String, interval: String = "1s", httpPort: Int,
                              logPath: String, extra: [String] = [], httpHost: String = "127.0.0.1") throws -> BackgroundProcess
    {
        let http = httpHost.contains(":") ? "[\(httpHost)]:\(httpPort)" : "\(httpHost):\(httpPort)"
        return try BackgroundProcess(path, ["daemon", "--site", site, "--repo", repo, "--state-dir", stateDirectory, "--interval", interval,
                                            "--http", http] + extra, logPath: logPath)
    }
}
