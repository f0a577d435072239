import Foundation
import SkiffSource
import SkiffTestSupport
import Testing

/// Repositories made with the git CLI in temporary folders, read back through libgit2.
@Suite("Reading the network from git")
struct GitSourceTests {
    /// Three commits on main (tagged v1 at the first), a branch `feature`, files under `network/`.
    static func makeRepository() throws -> (GitFixture, [String]) {
        let repo = try GitFixture()
        try repo.write("network/west/site.yaml", "kind: Site # v1\n")
        try repo.write("README.md", "# not part of the network\n")
        let first = try repo.commit("first")
        try repo.git("tag", "v1")
        try repo.write("network/west/site.yaml", "kind: Site # v2\n")
        try repo.write("network/east/site.yml", "kind: Site\n")
        try repo.write("network/east/notes.txt", "ignored\n")
        let second = try repo.commit("second: add east")
        try repo.git("checkout", "-q", "-b", "feature")
        try repo.write("network/north/site.yaml", "kind: Site\n")
        let feature = try repo.commit("feature: add north")
        try repo.git("checkout", "-q", "main")
        try repo.write("network/west/site.yaml", "kind: Site # v3\n")
        let third = try repo.commit("third: west v3")
        return (repo, [first, second, third, feature])
    }

    static func read(_ repo: String, _ revision: String? = nil, path: String = "network", cache: String? = nil) throws -> Snapshot {
        try NetworkSource.read(SourceRequest(repository: repo, revision: revision, path: path,
                                             cacheDirectory: cache ?? NSTemporaryDirectory() + "/skiff-cache-unused"))
    }

    static func text(_ snapshot: Snapshot, _ path: String) -> String? {
        snapshot.files.first { $0.path == path }.map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    @Test("HEAD, a branch, a tag, HEAD~1 and a commit id each read the tree at that commit")
    func revisions() throws {
        let (repo, commits) = try Self.makeRepository()
        let head = try Self.read(repo.path)
        #expect(head.commit?.id == commits[2])
        #expect(head.commit?.subject == "third: west v3")
        #expect(head.commit?.author == "Ada Tester")
        #expect(head.files.map(\.path) == ["east/site.yml", "west/site.yaml"], "only .yaml/.yml files, sorted")
        #expect(Self.text(head, "west/site.yaml") == "kind: Site # v3\n")

        #expect(Self.text(try Self.read(repo.path, "v1"), "west/site.yaml") == "kind: Site # v1\n")
        #expect(try Self.read(repo.path, "v1").files.count == 1)
        #expect(Self.text(try Self.read(repo.path, "HEAD~1"), "west/site.yaml") == "kind: Site # v2\n")
        #expect(try Self.read(repo.path, commits[1]).commit?.id == commits[1])
        #expect(try Self.read(repo.path, String(commits[1].prefix(8))).commit?.id == commits[1])
        let feature = try Self.read(repo.path, "feature")
        #expect(feature.files.map(\.path) == ["east/site.yml", "north/site.yaml", "west/site.yaml"])
        #expect(feature.commit?.id == commits[3])
    }

    @Test("the work tree is never read: uncommitted edits do not show")
    func noWorkTree() throws {
        let (repo, _) = try Self.makeRepository()
        try repo.write("network/west/site.yaml", "kind: Site # uncommitted\n")
        try repo.write("network/south/site.yaml", "kind: Site\n")
        let head = try Self.read(repo.path)
        #expect(Self.text(head, "west/site.yaml") == "kind: Site # v3\n")
        #expect(!head.files.contains { $0.path.hasPrefix("south/") })
    }

    @Test("origin/main resolves in a clone made by git; the repository root is a valid path")
    func remoteTrackingBranch() throws {
        let (repo, commits) = try Self.makeRepository()
        let clones = try TemporaryDirectory()
        try Command.check("git", ["clone", "-q", repo.path, clones.path + "/clone"])
        let snapshot = try Self.read(clones.path + "/clone", "origin/main", path: ".")
        #expect(snapshot.commit?.id == commits[2])
        #expect(snapshot.files.map(\.path) == ["network/east/site.yml", "network/west/site.yaml"])
    }

    @Test("a file:// URL is cloned into the cache once and fetched on later reads")
    func cloneAndFetch() throws {
        let (repo, commits) = try Self.makeRepository()
        let cache = try TemporaryDirectory()
        let url = "file://" + repo.path
        let first = try Self.read(url, "main", cache: cache.path)
        #expect(first.commit?.id == commits[2])
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).count == 1)
        #expect(try Self.read(url, cache: cache.path).commit?.id == commits[2], "no --ref: the default branch")
        #expect(try Self.read(url, "feature", cache: cache.path).commit?.id == commits[3])
        #expect(try Self.read(url, "v1", cache: cache.path).commit?.id == commits[0])

        try repo.write("network/east/site.yml", "kind: Site # later\n")
        let later = try repo.commit("later")
        let fetched = try Self.read(url, "main", cache: cache.path)
        #expect(fetched.commit?.id == later)
        #expect(Self.text(fetched, "east/site.yml") == "kind: Site # later\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).count == 1, "the same cache entry is reused")
    }

    @Test("symlinks, submodules and oversized files are reported, never followed or read")
    func hostileTrees() throws {
        let repo = try GitFixture()
        try repo.write("network/west/site.yaml", "kind: Site\n")
        try repo.write("secret.yaml", "password: hunter2\n")
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/network/west/link.yaml", withDestinationPath: "../../secret.yaml")
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/network/east", withDestinationPath: "/etc")
        try repo.write("network/west/big.yaml", String(repeating: "# padding\n", count: 200_000))
        let sub = try GitFixture("skiff-sub")
        try sub.write("x.yaml", "a: 1\n")
        try sub.commit("sub")
        try repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.path, "network/vendored")
        try repo.commit("hostile")

        let snapshot = try Self.read(repo.path)
        #expect(snapshot.files.map(\.path) == ["west/site.yaml"])
        let problems = snapshot.problems.map(\.description).sorted()
        #expect(problems == [
            "east: symbolic link; not followed",
            "vendored: submodule; not read",
            "west/big.yaml: file is 2000000 bytes; the limit is 1048576; not read",
            "west/link.yaml: symbolic link; not followed",
        ])
    }

    @Test("a plain folder is read the same way and says it is not a repository")
    func plainFolder() throws {
        let folder = try TemporaryDirectory()
        try folder.write("net/west/site.yaml", "kind: Site\n")
        try folder.write("net/west/.hidden.yaml", "kind: Site\n")
        try folder.write("outside.yaml", "x: 1\n")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/net/west/escape.yaml", withDestinationPath: "../../outside.yaml")
        let snapshot = try Self.read(folder.path, path: "net")
        #expect(snapshot.summary == "folder \(folder.path) (not a git repository)")
        #expect(snapshot.commit == nil)
        #expect(snapshot.files.map(\.path) == ["west/site.yaml"])
        #expect(snapshot.problems.map(\.description) == ["west/escape.yaml: symbolic link; not followed"])
    }

    @Test("missing repository, revision and path, an escaping path, and --ref on a folder are one clear error each")
    func errors() throws {
        let (repo, _) = try Self.makeRepository()
        let folder = try TemporaryDirectory()
        #expect(throws: SourceError.repositoryNotFound("/no/such/repo")) { try Self.read("/no/such/repo") }
        #expect(throws: SourceError.revisionNotFound(revision: "nope", repository: repo.path, branches: ["feature", "main"])) { try Self.read(repo.path, "nope") }
        #expect(throws: SourceError.pathNotFound(path: "nowhere", at: "commit \(try Self.read(repo.path).commit!.shortID)")) {
            try Self.read(repo.path, path: "nowhere")
        }
        #expect(throws: SourceError.pathEscapes("../elsewhere")) { try Self.read(repo.path, path: "../elsewhere") }
        #expect(throws: SourceError.pathEscapes("/etc")) { try Self.read(repo.path, path: "/etc") }
        #expect(throws: SourceError.revisionWithoutRepository(revision: "main", folder: folder.path)) {
            try Self.read(folder.path, "main", path: ".")
        }
        #expect(throws: SourceError.self) { try Self.read("file:///no/such/remote.git", cache: folder.path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "a failed clone leaves nothing behind")
        let empty = try GitFixture("skiff-empty")
        #expect(throws: SourceError.revisionNotFound(revision: "HEAD", repository: empty.path, branches: [])) { try Self.read(empty.path) }
    }
}
