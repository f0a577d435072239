import Foundation
import SkiffTestSupport
import Testing

/// `make install`'s script (scripts/install.sh) with this build's binary under a temporary prefix.
@Suite("packaging: make install")
struct PackagingTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        + "/scripts/install.sh"

    @Test("installs the binary, a man page per command that groff reads without a warning, completions and units systemd accepts")
    func install() throws {
        let prefix = try TemporaryDirectory("skiff-prefix")
        let result = try Command.run("bash", [Self.script, SkiffBinary.path, prefix.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let root = URL(fileURLWithPath: prefix.path).standardizedFileURL.path
        #expect(try Command.run(root + "/bin/skiff", ["--version"]).stdout == (try SkiffBinary.run(["--version"]).stdout))

        let pages = try FileManager.default.contentsOfDirectory(atPath: root + "/share/man/man1").sorted()
        for command in ["skiff.1", "skiff-daemon.1", "skiff-install.1", "skiff-debug-dump.1", "skiff-version.1", "skiff-listener-create.1"] {
            #expect(pages.contains(command), "\(command) in \(pages)")
        }
        for page in pages {
            let lint = try Command.run("groff", ["-man", "-ww", "-z", root + "/share/man/man1/" + page])
            #expect(lint.status == 0 && lint.stderr.isEmpty, "\(page): \(lint.stderr)")
        }
        let daemon = try Command.run("man", ["-l", root + "/share/man/man1/skiff-daemon.1"], environment: ["MANWIDTH": "200", "MANPAGER": "cat"])
        #expect(daemon.stdout.contains("--log-format") && daemon.stdout.contains("SIGHUP"), "the page says what --help says")

        let bash = try Command.run("bash", ["-c", "source '\(root)/share/bash-completion/completions/skiff' && complete -p skiff"])
        #expect(bash.stdout.contains("-F _skiff"), "\(bash.stderr)")
        #expect(FileManager.default.fileExists(atPath: root + "/share/zsh/site-functions/_skiff"))
        #expect(FileManager.default.fileExists(atPath: root + "/share/fish/vendor_completions.d/skiff.fish"))

        for scope in ["system", "user"] {
            let unit = root + "/share/skiff/systemd/\(scope)/skiff-west.service"
            let text = try String(contentsOfFile: unit, encoding: .utf8)
            #expect(text.contains("ExecStart=\(root)/bin/skiff daemon --site west"), "\(scope): runs the installed binary")
            let verify = try Command.run("systemd-analyze", ["verify", unit])
            #expect(verify.status == 0 && verify.stderr.isEmpty, "\(scope): \(verify.stderr)")
        }
    }
}
