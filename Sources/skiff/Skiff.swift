import ArgumentParser
import Foundation
import SkiffBuildInfo
import SkiffSource

@main
struct Skiff: AsyncParsableCommand {
    static let version = SkiffVersion.description

    static let configuration = CommandConfiguration(
        commandName: "skiff",
        abstract: "A virtual application network, run the GitOps way.",
        discussion: """
            Sites run routers that link over mutual TLS; listeners and connectors that share a routing key \
            connect applications across sites. The desired network is YAML (Skupper v2 resources) in a git \
            repository, one folder per site.

            Exit codes: 0 success (and no changes), 1 error or invalid input, 2 success with changes \
            (plan --detailed-exitcode).
            """,
        version: version,
        subcommands: [ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DaemonCommand.self, StatusCommand.self, NetworkCommand.self, ConsoleCommand.self, StopCommand.self, RouterCommand.self, VersionCommand.self, DebugCommand.self, CompletionCommand.self, InstallCommand.self, UninstallCommand.self,
                      RevokeAccessCommand.self, TokenCommand.self, SchemaCommand.self,
                      SiteCommand.self, ListenerCommand.self, ConnectorCommand.self, GrantCommand.self, LinkCommand.self]
    )

    /// `apply --wait` alone means `--wait 5m` (ArgumentParser options always take a value).
    static func defaultingWait(_ arguments: [String]) -> [String] {
        guard arguments.first == "apply", let index = arguments.firstIndex(of: "--wait") else { return arguments }
        let next = arguments.index(after: index)
        if next < arguments.endIndex, !arguments[next].hasPrefix("-") { return arguments }
        var arguments = arguments
        arguments.insert("5m", at: next)
        return arguments
    }

    /// Runs the command and maps every failure to the documented exit codes: usage errors and
    /// runtime errors are 1 (never 0 or 2), `ExitCode` values pass through, help and version are 0.
    static func main() async {
        // The process exits only once the command and its error are released (LeakSanitizer
        // would otherwise count a thrown error's storage as leaked).
        let status = await runToStatus()
        if status != 0 { Foundation.exit(status) }
    }

    /// Runs the command; prints what the user must see of a failure; returns the exit status.
    static func runToStatus() async -> Int32 {
        // A clone or fetch that takes longer than a second says how far it got, on stderr (the
        // daemon sends it to its log instead).
        FetchProgress.report { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        do {
            var command = try parseAsRoot(Self.defaultingWait(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch {
            // Help and version: printed on stdout, exit 0.
            guard exitCode(for: error) != .success else {
                print(fullMessage(for: error))
                return 0
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            return 1
        }
    }
}
