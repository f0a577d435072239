import ArgumentParser
import Foundation
import SkiffModel
import SkiffRouterAPI
import SkiffSource
import SkiffSupport

/// Where units go, and how `systemctl` is called, for `--user` or `--system`.
struct UnitScopeOptions: ParsableArguments {
    @Flag(name: .customLong("user"), help: "A user unit (~/.config/systemd/user); the default when not root.")
    var user = false

    @Flag(name: .customLong("system"), help: "A system unit (/etc/systemd/system) running as a dynamic user 'skiff'; the default as root.")
    var system = false

    @Option(name: .customLong("unit-dir"), help: ArgumentHelp("Write units here instead (packaging, review).", valueName: "dir"))
    var unitDirectory: String?

    func validate() throws {
        if user && system { throw ValidationError("--user and --system exclude each other") }
    }

    var scope: SystemdUnit.Scope {
        if user { return .user }
        if system { return .system }
        return getuid() == 0 ? .system : .user
    }

    var directory: String {
        if let unitDirectory { return unitDirectory }
        switch scope {
        case .system: return "/etc/systemd/system"
        case .user:
            let base = ProcessInfo.processInfo.environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.config"
            return base + "/systemd/user"
        }
    }

    /// `systemctl [--user] arguments…`; throws with systemctl's own words when it fails.
    func systemctl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["systemctl"] + (scope == .user ? ["--user"] : []) + arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw CommandFailure("systemctl \(arguments.joined(separator: " ")) failed: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    var systemctlPrefix: String { scope == .user ? "systemctl --user" : "systemctl" }
}

/// `skiff install`: a systemd unit that runs the site's daemon for months.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Write a systemd unit that runs a site's daemon (and the router it starts).",
        discussion: """
            The unit restarts the daemon on failure, reloads (a cycle now) on `systemctl reload`, and is \
            hardened (NoNewPrivileges, ProtectSystem=strict, PrivateTmp, only IP and Unix sockets). Stopping \
            or restarting it stops the daemon only: the router keeps carrying flows and the next daemon adopts \
            it. System units run as a dynamic user `skiff` with their state in /var/lib/skiff/<site>. A user \
            unit runs while the user is logged in, or always after `loginctl enable-linger`.

            Example: skiff install --site west --repo https://git.example.com/net.git --path network --enable
            """
    )

    @Option(name: .long, help: ArgumentHelp("Site to run (its folder name).", valueName: "site"), completion: SiteCompletion.kind)
    var site: String

    @Option(name: .long, help: ArgumentHelp("Git repository URL (or local path) holding the network.", valueName: "repo"))
    var repo: String

    @Option(name: .long, help: ArgumentHelp("Folder inside the repository that holds one folder per site.", valueName: "path"))
    var path: String = "."

    @Option(name: .long, help: ArgumentHelp("Revision to follow. Default: the repository's default branch.", valueName: "ref"))
    var ref: String?

    @Option(name: .long, help: ArgumentHelp("Time between cycles (the daemon's --interval).", valueName: "duration"))
    var interval: String?

    @Option(name: .long, help: ArgumentHelp("The daemon's HTTP address (its --http).", valueName: "host:port"))
    var http: String?

    @Option(name: .customLong("webhook-secret-file"), help: ArgumentHelp("File with the webhook secret; the unit hands it to the daemon as a systemd credential.", valueName: "file"))
    var webhookSecretFile: String?

    @Option(name: .long, help: ArgumentHelp("The daemon's log format (its --log-format).", valueName: "format"))
    var logFormat: LogOptions.Format?

    @Option(name: .long, help: ArgumentHelp("The skiff binary the unit runs. Default: this one.", valueName: "path"))
    var binary: String?

    @Flag(name: .long, help: "Also run `systemctl daemon-reload` and `systemctl enable --now` for the unit.")
    var enable = false

    @OptionGroup var unitScope: UnitScopeOptions

    func validate() throws {
        // The name goes into the unit's name and paths: a resource name as Kubernetes spells one.
        guard site.wholeMatch(of: /[a-z0-9]([-a-z0-9.]*[a-z0-9])?/) != nil else {
            throw ValidationError("--site expects a site name (lowercase letters, digits, '-' and '.'), got \"\(site)\"")
        }
        if let http, HTTPAddress(argument: http) == nil { throw ValidationError("--http expects HOST:PORT, got \"\(http)\"") }
        if let interval, GoDuration.seconds(parsing: interval) == nil { throw ValidationError("--interval expects a duration such as 30s, got \"\(interval)\"") }
        if let webhookSecretFile, !webhookSecretFile.hasPrefix("/") { throw ValidationError("--webhook-secret-file must be an absolute path (systemd reads it), got \"\(webhookSecretFile)\"") }
        // Packaging writes units for where the binary will be, which may not exist yet: an
        // absolute path is all that is required; a file there must be executable.
        if let binary {
            guard binary.hasPrefix("/") else { throw ValidationError("--binary must be an absolute path, got \"\(binary)\"") }
            if FileManager.default.fileExists(atPath: binary), !FileManager.default.isExecutableFile(atPath: binary) {
                throw ValidationError("--binary \(binary) is not an executable file")
            }
        }
    }

    /// An absolute path with no `//`, `.` or `..` (systemd refuses paths that are not normalised).
    static func normalised(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    func run() throws {
        let executable = Self.normalised(binary ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path)
        // A local repository is named by its absolute path: the unit does not run in this folder.
        let repository = repo.contains("://") || repo.contains("@") ? repo : Self.normalised(repo)
        let unit = SystemdUnit(scope: unitScope.scope, site: site, binary: executable, repository: repository, path: path, ref: ref,
                               interval: interval, http: http, webhookSecretFile: webhookSecretFile.map(Self.normalised), logFormat: logFormat?.rawValue,
                               stateDirectory: Self.normalised(StateDirectory.defaultPath(site: site)),
                               cacheDirectory: Self.normalised(NetworkSource.defaultCacheDirectory()))
        try FileManager.default.createDirectory(atPath: unitScope.directory, withIntermediateDirectories: true)
        let file = unitScope.directory + "/" + unit.name
        try AtomicFile.write(Data(unit.text.utf8), to: file, permissions: 0o644)
        print("Wrote \(file).")
        if enable {
            try unitScope.systemctl(["daemon-reload"])
            try unitScope.systemctl(["enable", "--now", unit.name])
            print("Enabled and started \(unit.name).")
        } else {
            print("Start it now and at every boot: \(unitScope.systemctlPrefix) daemon-reload && \(unitScope.systemctlPrefix) enable --now \(unit.name)")
        }
    }
}

/// `skiff uninstall`: removes what `skiff install` wrote; the site's state stays.
struct UninstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Remove a site's systemd unit (with --stop, also stop its daemon and router); the site's state stays.",
        discussion: "`skiff stop --site S --purge` deletes the state too.\n\nExample: skiff uninstall --site west --stop"
    )

    @Option(name: .long, help: ArgumentHelp("The site whose unit to remove.", valueName: "site"), completion: SiteCompletion.kind)
    var site: String

    @Flag(name: .long, help: "First `systemctl disable --now` the unit, then stop the router it left running.")
    var stop = false

    @Option(name: .long, help: ArgumentHelp("The site's state directory (to stop its router). Default: as install chose it.", valueName: "dir"))
    var stateDir: String?

    @OptionGroup var unitScope: UnitScopeOptions

    func run() throws {
        let name = "skiff-\(site).service"
        let file = unitScope.directory + "/" + name
        if stop {
            try unitScope.systemctl(["disable", "--now", name])
            let state = stateDir ?? (unitScope.scope == .system ? "/var/lib/skiff/\(site)" : StateDirectory.defaultPath(site: site))
            if RouterSupervisor(stateDirectory: StateDirectory(path: state)).stop() { print("Stopped the router of site \(site).") }
        }
        guard FileManager.default.fileExists(atPath: file) else {
            throw CommandFailure("no unit for site \(site) at \(file)")
        }
        try FileManager.default.removeItem(atPath: file)
        print("Removed \(file).")
        if unitScope.unitDirectory == nil, !stop {
            print("Then: \(unitScope.systemctlPrefix) daemon-reload")
        }
    }
}
