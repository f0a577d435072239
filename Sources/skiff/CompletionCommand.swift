import ArgumentParser
import Foundation
import SkiffSupport

/// `skiff completion bash|zsh|fish`: the shell's completion script, generated from the command
/// definitions (subcommands, flags, enumerated values), with site names completed from the
/// repository's folders.
struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print the shell completion script for bash, zsh or fish.",
        discussion: """
            Completes subcommands, flags and their values; --site completes the site folders of --repo \
            (and --path), and the sites with a state directory here.

            bash: source <(skiff completion bash)   (or save it as /etc/bash_completion.d/skiff)
            zsh:  skiff completion zsh > "${fpath[1]}/_skiff"
            fish: skiff completion fish > ~/.config/fish/completions/skiff.fish
            """
    )

    @Argument(help: ArgumentHelp("The shell: bash, zsh or fish.", valueName: "shell"))
    var shell: Shell

    enum Shell: String, ExpressibleByArgument, CaseIterable {
        case bash, zsh, fish

        var completionShell: CompletionShell {
            switch self {
            case .bash: .bash
            case .zsh: .zsh
            case .fish: .fish
            }
        }
    }

    func run() throws {
        print(Skiff.completionScript(for: shell.completionShell))
    }
}

/// Site names for `--site`: the folders of the repository the command line names (`--repo`,
/// default the current folder, and `--path`) that hold YAML, and the sites with a state directory
/// in the default place. Only a local repository's work tree is looked at: completion never clones.
enum SiteCompletion {
    static let kind = CompletionKind.custom { words, _, prefix in
        candidates(words: words).filter { $0.hasPrefix(prefix) }
    }

    static func candidates(words: [String]) -> [String] {
        func value(_ flag: String) -> String? {
            for (index, word) in words.enumerated() {
                if word == flag, index + 1 < words.count { return words[index + 1] }
                if word.hasPrefix(flag + "=") { return String(word.dropFirst(flag.count + 1)) }
            }
            return nil
        }
        let folder = (value("--repo") ?? ".") + "/" + (value("--path") ?? ".")
        var sites = Set(siteFolders(in: folder))
        let stateRoot = URL(fileURLWithPath: StateDirectory.defaultPath(site: "x")).deletingLastPathComponent().path
        sites.formUnion((try? FileManager.default.contentsOfDirectory(atPath: stateRoot))?.filter { !$0.hasPrefix(".") } ?? [])
        return sites.sorted()
    }

    /// Folders of `folder` with a `.yaml` or `.yml` file in them (hidden ones skipped).
    static func siteFolders(in folder: String) -> [String] {
        let manager = FileManager.default
        let entries = (try? manager.contentsOfDirectory(atPath: folder)) ?? []
        return entries.filter { entry in
            guard !entry.hasPrefix("."), let files = try? manager.contentsOfDirectory(atPath: folder + "/" + entry) else { return false }
            return files.contains { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
        }
    }
}
