import Foundation

/// The systemd unit that runs one site's daemon (and, in the same unit, the router it starts).
///
/// The router is a child of the daemon in the unit's control group, so the sandbox and limits
/// hold for both. `KillMode=process` sends stop and restart signals to the daemon alone: the
/// router keeps carrying flows while the daemon restarts or is upgraded (the new daemon adopts
/// it), as it does outside systemd. `skiff stop` or `skiff uninstall --stop` stops the router.
///
/// System units run as a dynamic user `skiff` with `StateDirectory=` (so `/var/lib/skiff/<site>`
/// belongs to it) and `CacheDirectory=` for clones; user units keep the user's default folders.
struct SystemdUnit {
    enum Scope: String {
        case user, system
    }

    var scope: Scope
    var site: String
    var binary: String
    var repository: String
    var path: String
    var ref: String?
    var interval: String?
    var http: String?
    /// A file with the webhook secret: handed to the service as a systemd credential.
    var webhookSecretFile: String?
    var logFormat: String?
    /// User units only: the state directory and clone cache the daemon writes (ProtectSystem=strict
    /// makes everything else read-only).
    var stateDirectory: String
    var cacheDirectory: String

    var name: String { "skiff-\(site).service" }

    /// Arguments systemd splits on whitespace: quote what has any, escape `%` (a specifier) and `$`.
    static func quote(_ argument: String) -> String {
        let escaped = argument.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "%%")
            .replacingOccurrences(of: "$", with: "$$").replacingOccurrences(of: "\"", with: "\\\"")
        return escaped.contains(where: { $0 == " " || $0 == "\t" || $0 == "'" || $0 == ";" }) || escaped.isEmpty ? "\"\(escaped)\"" : escaped
    }

    var arguments: [String] {
        var arguments = ["daemon", "--site", site, "--repo", repository, "--path", path]
        if let ref { arguments += ["--ref", ref] }
        if let interval { arguments += ["--interval", interval] }
        if let http { arguments += ["--http", http] }
        if let logFormat { arguments += ["--log-format", logFormat] }
        return arguments
    }

    var text: String {
        var execStart = ([binary] + arguments).map(Self.quote)
        switch scope {
        case .system: execStart += ["--state-dir", "%S/skiff/\(Self.quote(site))"]
        case .user: execStart += ["--state-dir", Self.quote(stateDirectory)]
        }
        if webhookSecretFile != nil { execStart += ["--webhook-secret-file", "%d/webhook-secret"] }
        var lines = [
            "# Written by `skiff install`; `skiff uninstall --site \(site)` removes it.",
            "[Unit]",
            "Description=Skiff site \(site): keeps it converged with git (skiff daemon --help, man skiff-daemon)",
        ]
        if scope == .system { lines += ["Wants=network-online.target", "After=network-online.target"] }
        lines += [
            "",
            "[Service]",
            "Type=exec",
            "ExecStart=" + execStart.joined(separator: " "),
            // SIGHUP starts a cycle at once: `systemctl reload` is "look at git now".
            "ExecReload=/bin/kill -HUP $MAINPID",
            "KillMode=process",
            "Restart=on-failure",
            "RestartSec=5s",
            "TimeoutStopSec=60s",
        ]
        if let webhookSecretFile { lines.append("LoadCredential=webhook-secret:\(webhookSecretFile)") }
        switch scope {
        case .system:
            lines += [
                "DynamicUser=yes", "User=skiff", "Group=skiff",
                "StateDirectory=skiff/\(site)", "StateDirectoryMode=0700",
                "CacheDirectory=skiff", "CacheDirectoryMode=0700",
                "Environment=XDG_CACHE_HOME=%C",
                "ProtectHome=yes", "PrivateDevices=yes", "ProtectKernelTunables=yes", "ProtectKernelModules=yes",
                "ProtectKernelLogs=yes", "ProtectControlGroups=yes", "ProtectClock=yes", "ProtectHostname=yes",
                "RestrictNamespaces=yes", "RestrictRealtime=yes", "RestrictSUIDSGID=yes", "LockPersonality=yes",
                "CapabilityBoundingSet=", "SystemCallArchitectures=native",
            ]
        case .user:
            lines += ["ReadWritePaths=-\(Self.quote(stateDirectory)) -\(Self.quote(cacheDirectory))"]
        }
        lines += [
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "PrivateTmp=yes",
            "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
            "UMask=0077",
            "",
            "[Install]",
            "WantedBy=" + (scope == .system ? "multi-user.target" : "default.target"),
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
