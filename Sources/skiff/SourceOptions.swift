import ArgumentParser
import SkiffSource

/// Where the desired network comes from; shared by every command that reads it.
struct SourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Git repository (work tree, git directory or URL to clone) or plain folder holding the network.",
        valueName: "repo"))
    var repo: String = "."

    @Option(name: .long, help: ArgumentHelp(
        "Revision to read, as git rev-parse spells it (main, v1.2, HEAD~1, origin/main, a commit id). Default: HEAD, or the default branch of a URL.",
        valueName: "ref"))
    var ref: String?

    @Option(name: .long, help: ArgumentHelp("Folder inside the repository that holds one folder per site.", valueName: "path"))
    var path: String = "."

    func request(revision: String? = nil) -> SourceRequest {
        SourceRequest(repository: repo, revision: revision ?? ref, path: path)
    }
}
