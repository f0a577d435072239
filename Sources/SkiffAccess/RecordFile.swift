import Foundation
import SkiffPKI

/// A record under `records/` as JSON (ISO 8601 dates, sorted keys), written atomically and readable
/// by the owner only: grant codes and token outcomes are nobody else's business.
protocol RecordFile: Codable {
    /// The file's path relative to the state directory.
    static var relativePath: String { get }
    /// The record when there is no file yet.
    static var empty: Self { get }
}

extension RecordFile {
    static func path(in stateDirectory: String) -> String { stateDirectory + "/" + relativePath }

    /// The record on disk (`empty` when there is none); a file that does not decode is an error
    /// naming it, never silently replaced.
    static func read(from stateDirectory: String) throws -> Self {
        let path = path(in: stateDirectory)
        guard let data = FileManager.default.contents(atPath: path) else { return empty }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(Self.self, from: data)
        } catch {
            throw AccessError.damagedRecord(path: path, message: "\(error)")
        }
    }

    func write(to stateDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        try PEMFiles.write(String(decoding: try encoder.encode(self), as: UTF8.self), to: Self.path(in: stateDirectory), permissions: 0o600)
    }
}
