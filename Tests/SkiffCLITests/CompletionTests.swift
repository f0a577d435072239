import Foundation
import SkiffTestSupport
import Testing

/// `skiff completion`: the generated bash script driven by bash itself, as a terminal would.
@Suite("skiff completion")
struct CompletionTests {
    /// What bash's completion function offers for `skiff <line>`, the last word being completed.
    static func complete(_ line: [String], environment: [String: String] = [:]) throws -> [String] {
        let words = ([SkiffBinary.path] + line).map { "'\($0)'" }.joined(separator: " ")
        let script = """
            source <("\(SkiffBinary.path)" completion bash)
            COMP_WORDS=(\(words)); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
            _skiff skiff "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try Command.run("bash", ["-c", script], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test("bash completes subcommands, flags and enumerated values")
    func commands() throws {
        #expect(try Self.complete(["ap"]) == ["apply"])
        #expect(try Self.complete(["completion", ""]) == ["bash", "zsh", "fish"])
        #expect(try Self.complete(["status", "--output", ""]) == ["text", "json"])
        #expect(try Self.complete(["daemon", "--log-f"]) == ["--log-format"])
        #expect(try Self.complete(["daemon", "--log-format", ""]) == ["text", "json"])
    }

    @Test("--site completes the repository's site folders (with --repo and --path) and the sites with a state directory")
    func siteNames() throws {
        let repo = try GitFixture()
        try repo.write("network/west/site.yaml", Fixtures.site("west"))
        try repo.write("network/east/listener.yml", Fixtures.listener("db", port: 5432))
        try repo.write("network/docs/README.md", "not a site\n")
        try repo.commit("sites")
        let state = try TemporaryDirectory("skiff-completion")
        _ = try state.write("skiff/north/records/.keep", "")
        let environment = ["XDG_STATE_HOME": state.path]
        #expect(try Self.complete(["apply", "--repo", repo.path, "--path", "network", "--site", ""], environment: environment) == ["east", "north", "west"])
        #expect(try Self.complete(["plan", "--repo=\(repo.path)", "--path", "network", "--site", "w"], environment: environment) == ["west"])
        #expect(try Self.complete(["status", "--site", ""], environment: environment) == ["north"], "no repository: the sites that have state here")
    }

    @Test("zsh and fish scripts are generated with the same commands and the site completion hook")
    func otherShells() throws {
        for shell in ["zsh", "fish"] {
            let script = try SkiffBinary.run(["completion", shell]).stdout
            #expect(script.contains("revoke-access") && script.contains("log-format"), "\(shell)")
            #expect(script.contains("---completion"), "\(shell): --site asks skiff for site names")
        }
        let unknown = try SkiffBinary.run(["completion", "tcsh"])
        #expect(unknown.status == 1 && unknown.stderr.contains("tcsh"))
    }
}
