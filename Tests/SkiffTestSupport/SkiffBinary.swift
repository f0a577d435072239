import Foundation

/// The built `skiff` executable, run as a user runs it.
public enum SkiffBinary {
    /// Found beside the test bundle (same build folder), else in `.build/debug`.
    public static let path: String = {
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
}
