import Foundation

/// Running a program the way the systemd unit (`DynamicUser`) and the container run skiff: without
/// privileges. As root that is as nobody (setpriv, from util-linux); anyone else has none to drop.
public enum Unprivileged {
    public static var isRoot: Bool { getuid() == 0 }

    /// The command line that runs `command` unprivileged.
    public static func command(_ command: [String]) -> [String] {
        isRoot ? ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + command : command
    }

    /// Runs `command` unprivileged (`Command.run`).
    public static func run(_ command: [String], timeout: Double = 120) throws -> CommandResult {
        let line = self.command(command)
        return try Command.run(line[0], Array(line.dropFirst()), timeout: timeout)
    }

    /// Gives `path` and everything in it to the user `command` runs as.
    public static func handOver(_ path: String) throws {
        if isRoot { try Command.check("chown", ["-R", "nobody:nogroup", path]) }
    }
}
