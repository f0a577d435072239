import Foundation
import SkiffSupport

/// Where a site's router process keeps its files (`router/config.json`, the management socket
/// `router/router.sock`, `router/router.pid`) and how to find the one running. The process
/// itself is `SkiffRouterHost.RouterHost`.
public enum RouterProcess {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    public static func configPath(_ stateDirectory: String) -> String { stateDirectory + "/router/config.json" }
    public static func socketPath(_ stateDirectory: String) -> String { stateDirectory + "/router/router.sock" }
    public static func pidPath(_ stateDirectory: String) -> String { stateDirectory + "/router/router.pid" }
    /// The reconciler's last report (`PUT /v1/gitops`), kept so a restarted router sends it round again.
    public static func gitopsPath(_ stateDirectory: String) -> String { stateDirectory + "/router/gitops.json" }

    public static func loadConfig(_ stateDirectory: String) throws -> RouterConfig {
        let path = configPath(stateDirectory)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "no router configuration at \(path); `skiff apply` writes one")
        }
        do {
            return try JSONDecoder().decode(RouterConfig.self, from: data)
        } catch {
            throw Failure(description: "\(path): not a router configuration: \(error)")
        }
    }

    /// Writes the configuration atomically, so a crash never leaves half a file for the next start.
    public static func saveConfig(_ config: RouterConfig, stateDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = configPath(stateDirectory)
        try FileManager.default.createDirectory(atPath: stateDirectory + "/router", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try AtomicFile.write(try encoder.encode(config), to: path, permissions: 0o600)
    }

    /// The pid in `router/router.pid` when that process is alive and is a router of this state
    /// directory (a pid reused by an unrelated process does not count).
    public static func runningRouter(_ stateDirectory: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: pidPath(stateDirectory), encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0, kill(pid, 0) == 0,
              let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
        else { return nil }
        let arguments = command.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.contains("router") && arguments.contains(stateDirectory) ? pid : nil
    }
}
