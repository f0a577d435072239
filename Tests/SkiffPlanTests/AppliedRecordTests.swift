import Foundation
import SkiffModel
import SkiffPlan
import SkiffSupport
import SkiffTestSupport
import Testing

@Suite("Applied record: the live state until the router reports its own")
struct AppliedRecordTests {
    @Test("written atomically with private permissions, read back equal")
    func roundTrip() throws {
        let folder = try TemporaryDirectory()
        let directory = StateDirectory(path: folder.path + "/west")
        #expect(try AppliedRecord.load(from: directory) == nil, "no record: nothing applied yet")
        let record = AppliedRecord(site: "west", commit: String(repeating: "a", count: 40), appliedAt: Date(timeIntervalSince1970: 1_700_000_000),
                                   resources: [.init(kind: .listener, name: "web", spec: ["port": 8080, "routingKey": "web"])])
        try record.write(to: directory)
        #expect(try AppliedRecord.load(from: directory) == record)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.appliedRecordPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let folderAttributes = try FileManager.default.attributesOfItem(atPath: directory.recordsPath)
        #expect((folderAttributes[.posixPermissions] as? Int) == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.recordsPath) == ["applied.json"], "no temporary file left")
        #expect(record.liveSite.resources[ResourceID(kind: .listener, name: "web")]?["port"] == 8080)
    }

    @Test("a corrupt or future record is a clear error naming the file, and is left as it was")
    func badRecords() throws {
        let folder = try TemporaryDirectory()
        let directory = StateDirectory(path: folder.path)
        try folder.write("records/applied.json", "{ not json")
        #expect { try AppliedRecord.load(from: directory) } throws: { error in
            "\(error)".hasPrefix(directory.appliedRecordPath + ": unreadable record")
        }
        #expect(try String(contentsOfFile: directory.appliedRecordPath, encoding: .utf8) == "{ not json")
        try folder.write("records/applied.json", #"{"format_version": 9, "site": "w", "applied_at": "2024-01-01T00:00:00Z", "resources": []}"#)
        #expect { try AppliedRecord.load(from: directory) } throws: { error in
            "\(error)".contains("format_version 9 is not supported")
        }
    }
}
