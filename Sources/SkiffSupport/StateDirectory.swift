import Foundation

/// One site's state directory (DESIGN.md "State directory"): PKI, router files and records.
public struct StateDirectory: Sendable, Hashable {
    public var path: String

    public init(path: String) {
        self.path = path
    }

    /// `$XDG_STATE_HOME/skiff/<site>`, else `/var/lib/skiff/<site>` as root, else `~/.local/state/skiff/<site>`.
    public static func defaultPath(site: String) -> String {
        let environment = ProcessInfo.processInfo.environment
        if let base = environment["XDG_STATE_HOME"], !base.isEmpty { return "\(base)/skiff/\(site)" }
        if getuid() == 0 { return "/var/lib/skiff/\(site)" }
        return NSHomeDirectory() + "/.local/state/skiff/\(site)"
    }

    public var recordsPath: String { path + "/records" }
    public var appliedRecordPath: String { recordsPath + "/applied.json" }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// What a command that reads a site's state says when there is none.
    public func neverApplied(site: String) -> String {
        "site \(site) has no state directory at \(path): it was never applied (`skiff apply --site \(site)`), or --state-dir points elsewhere"
    }

    /// Deletes the whole state directory (CA, credentials, records: gone for good); returns what
    /// it held, or nil when there was nothing to delete. The caller has stopped the daemon and the
    /// router and holds the site's lock.
    public func purge() throws -> [String]? {
        guard exists else { return nil }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? []
        try FileManager.default.removeItem(atPath: path)
        return contents
    }

    /// `daemon.pid`: the site's running daemon, so `skiff stop` can stop it before the router.
    public var daemonPIDPath: String { path + "/daemon.pid" }
}
