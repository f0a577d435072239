import ArgumentParser
import SkiffScaffold

/// Where a scaffolding command writes, and whether it commits: shared by every create and delete.
struct ScaffoldTarget: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Work tree (or plain folder) to write into.", valueName: "repo"))
    var repo: String = "."

    @Option(name: .long, help: ArgumentHelp("Folder inside it that holds one folder per site.", valueName: "path"))
    var path: String = "."

    @Flag(help: "Commit the files written (and nothing else) through libgit2, as git's user.name and user.email.")
    var commit = false

    @Option(name: [.short, .customLong("message")], help: ArgumentHelp("The commit message (with --commit). Default: what changed.", valueName: "message"))
    var message: String?

    func validate() throws {
        if message != nil, !commit { throw ValidationError("-m/--message needs --commit") }
    }

    /// Plans against the work tree, writes, prints the diff, and commits when asked.
    func perform(schemaBase: String? = Scaffold.defaultSchemaFolder, summary: String, _ plan: (Scaffold) throws -> [FileChange]) throws {
        let edit = try ScaffoldEdit(repo: repo, path: path, schemaBase: schemaBase)
        let changes = edit.withSchemas(try plan(try edit.scaffold()))
        if commit { try edit.checkCommit(changes) }  // before a byte is written
        try edit.write(changes)
        print(try edit.diff(changes), terminator: "")
        let files = changes.map { edit.rootRelative($0.path) }
        if commit {
            let text = message ?? "skiff: \(summary)"
            print("Committed \(try edit.commit(changes, message: text).prefix(12)): \(text)")
        } else {
            print("Wrote \(files.count == 1 ? files[0] : "\(files.count) files") (not committed). Review, then: git add \(files.joined(separator: " ")) && git commit")
        }
    }
}

/// The options of every create: replace, print instead, where schemas are.
struct CreateOptions: ParsableArguments {
    @Flag(help: "Replace the resource when it exists (it stays in its file).")
    var force = false

    @Option(name: .long, help: ArgumentHelp("Print the resource as yaml instead of writing it (like kubectl create --dry-run -o yaml).", valueName: "format"))
    var output: PrintFormat?

    @Option(name: .long, help: ArgumentHelp(
        "Where written files point editors for JSON Schemas (their yaml-language-server line): a URL, or a folder inside --path, where skiff writes them when missing; 'none' writes no such line (skiff schema --write publishes them anywhere).",
        valueName: "base"))
    var schemaBase: String = Scaffold.defaultSchemaFolder

    enum PrintFormat: String, ExpressibleByArgument, CaseIterable { case yaml }

    var schemaLocation: String? { schemaBase == "none" ? nil : schemaBase }

    /// Prints `drafts` when `--output` asks for it; returns whether it did (then nothing is written).
    func printed(_ drafts: [ResourceDraft]) throws -> Bool {
        guard output != nil else { return false }
        print(try drafts.map { try $0.yaml(schemaLocation: nil) }.joined(separator: "---\n"), terminator: "")
        return true
    }

    /// Writes `drafts` into `site` through `target`, unless `--output` printed them.
    func create(_ drafts: [ResourceDraft], site: String, target: ScaffoldTarget) throws {
        if try printed(drafts) { return }
        let names = drafts.map(\.id.description).joined(separator: ", ")
        try target.perform(schemaBase: schemaLocation, summary: "create \(names) at \(site)") { scaffold in
            try scaffold.create(drafts, site: site, force: force)
        }
    }
}
