import Foundation
import SkiffModel
import SkiffSupport

/// What was last applied at a site (`records/applied.json`): the commit and every resource's spec.
/// Until the router and PKI report live state, this record *is* the live state the planner sees.
public struct AppliedRecord: Sendable, Codable, Hashable {
    public struct Entry: Sendable, Codable, Hashable {
        public var kind: ResourceKind
        public var name: String
        public var spec: JSONValue
        /// The planned annotations (`Resource.plannedAnnotations`); absent when there are none.
        public var annotations: [String: String]?

        public init(kind: ResourceKind, name: String, spec: JSONValue, annotations: [String: String]? = nil) {
            self.kind = kind
            self.name = name
            self.spec = spec
            self.annotations = annotations?.isEmpty == true ? nil : annotations
        }
    }

    public static let formatVersion = 1

    public var formatVersion: Int
    public var site: String
    public var commit: String?
    public var appliedAt: Date
    public var resources: [Entry]

    public init(site: String, commit: String?, appliedAt: Date, resources: [Entry]) {
        self.formatVersion = Self.formatVersion
        self.site = site
        self.commit = commit
        self.appliedAt = appliedAt
        self.resources = resources
    }

    public init(site: DesiredSite, commit: String?, appliedAt: Date) {
        self.init(site: site.name, commit: commit, appliedAt: appliedAt,
                  resources: site.resources.map { Entry(kind: $0.kind, name: $0.name, spec: $0.spec, annotations: $0.plannedAnnotations) })
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", site, commit, appliedAt = "applied_at", resources
    }

    public struct ReadError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The record in `directory`, or nil when nothing was applied yet.
    public static func load(from directory: StateDirectory) throws -> AppliedRecord? {
        let path = directory.appliedRecordPath
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let record = try Self.decoder.decode(AppliedRecord.self, from: data)
            guard record.formatVersion == formatVersion else {
                throw ReadError(path: path, reason: "format_version \(record.formatVersion) is not supported (expected \(formatVersion))")
            }
            return record
        } catch let error as ReadError {
            throw error
        } catch {
            throw ReadError(path: path, reason: "unreadable record (\(error)); move it aside to start from an empty live state")
        }
    }

    /// Writes atomically (temporary file, then rename), creating folders 0700.
    public func write(to directory: StateDirectory) throws {
        try FileManager.default.createDirectory(atPath: directory.recordsPath, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try AtomicFile.write(try Self.encoder.encode(self), to: directory.appliedRecordPath, permissions: 0o600)
    }

    public var liveSite: LiveSite {
        var live = LiveSite(resources: Dictionary(resources.map { (ResourceID(kind: $0.kind, name: $0.name), $0.spec) },
                                                  uniquingKeysWith: { _, last in last }))
        live.annotations = Dictionary(resources.compactMap { entry in entry.annotations.map { (ResourceID(kind: entry.kind, name: entry.name), $0) } },
                                      uniquingKeysWith: { _, last in last })
        return live
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
