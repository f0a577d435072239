import ArgumentParser
import Foundation

@main
struct Skiff: AsyncParsableCommand {
    static let version = "0.1.0"

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
        subcommands: [ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DaemonCommand.self, StatusCommand.self, StopCommand.self, RouterCommand.self,
                      RevokeAccessCommand.self, TokenCommand.self, SchemaCommand.self]
    )

    /// Runs the command and maps every failure to the documented exit codes: usage errors and
    /// runtime errors are 1 (never 0 or 2), `ExitCode` values pass through, help and version are 0.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            guard exitCode(for: error) != .success else { self.exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(1)
        }
    }
}
