import Foundation
import SkiffSupport
import SkiffTestSupport
import Testing

@Suite("Atomic file writes")
struct AtomicFileTests {
    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test("a key is written with exactly its mode whatever the umask, replaces the old file, and leaves no temporary behind")
    func modeAndReplace() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path + "/tls.key"
        let previous = umask(0)
        defer { umask(previous) }
        try AtomicFile.write("first", to: path, permissions: 0o600)
        #expect(try Self.mode(path) == 0o600)
        try AtomicFile.write("second", to: path, permissions: 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["tls.key"])
    }

    @Test("a write that cannot happen says which step and path failed, in one line, and leaves the old file intact")
    func failure() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path + "/records.json"
        try AtomicFile.write("kept", to: path, permissions: 0o600)
        #expect(throws: AtomicFile.Failure.self) { try AtomicFile.write("x", to: folder.path + "/missing/records.json", permissions: 0o600) }
        do {
            try AtomicFile.write("x", to: folder.path + "/missing/records.json", permissions: 0o600)
        } catch let failure as AtomicFile.Failure {
            #expect(failure.description.hasPrefix("cannot create \(folder.path)/missing/records.json.tmp-"))
            #expect(failure.description.hasSuffix(": No such file or directory"))
            #expect(!failure.description.contains("\n"))
        }
        // A folder in the way of the rename: the write fails and the old content survives.
        try FileManager.default.createDirectory(atPath: folder.path + "/dir", withIntermediateDirectories: false)
        try AtomicFile.write("inner", to: folder.path + "/dir/x", permissions: 0o600)
        #expect(throws: AtomicFile.Failure.self) { try AtomicFile.write("y", to: folder.path + "/dir", permissions: 0o600) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "kept")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["dir", "records.json"])
    }
}
