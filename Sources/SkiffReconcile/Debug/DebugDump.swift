import Foundation
import SkiffPKI
import SkiffRouterAPI
import SkiffSupport

/// `skiff debug dump`: what support needs to see of one site, in one `.tar.gz`, with no secret in it.
///
/// * `status.txt`, `status.json` — `skiff status` (resources, daemon, links, network)
/// * `router/status.json`, `router/config.json` — the live router's status (routing table, link
///   states, buffers, memory) and configuration, from its management API
/// * `logs/router.log` — the last 2 MiB of the router's log
/// * every JSON file of the state directory (records, issued-certificate records), secrets removed
///   (`Redaction`)
/// * `certificates.json` — every certificate: subject, issuer, SANs, site, expiry, fingerprint
/// * `files.txt` — every file of the state directory with its size and mode; key files are listed
///   there and nowhere else
public enum DebugDump {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Most of the router's log that goes in: its end.
    static let logTail = 2 << 20

    /// `skiff-debug-west-20261206T101500Z`: the archive's top folder, and its default file name
    /// with `.tar.gz`.
    public static func name(site: String, at time: Date) -> String {
        let stamp = ISO8601DateFormatter.string(from: time, timeZone: TimeZone(identifier: "UTC")!,
                                                formatOptions: [.withYear, .withMonth, .withDay, .withTime, .withTimeZone])
        return "skiff-debug-\(site)-\(stamp.filter { $0.isLetter || $0.isNumber })"
    }

    /// Writes the archive to `output`; returns the paths it holds (inside its top folder).
    @discardableResult
    public static func write(site: String, stateDirectory: StateDirectory, versionJSON: String, to output: String, now: Date = Date()) throws -> [String] {
        guard stateDirectory.exists else { throw Failure(description: "no state directory for site \(site) at \(stateDirectory.path)") }
        let name = Self.name(site: site, at: now)
        let scratch = try TemporaryFolder()
        let root = scratch.path + "/" + name
        var written: [String] = []
        func put(_ relative: String, _ data: Data) throws {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw Failure(description: "cannot write \(path)")
            }
            written.append(relative)
        }
        try put("version.json", Data(versionJSON.utf8))
        try addStatus(site: site, stateDirectory: stateDirectory, put: put)
        try addStateFiles(stateDirectory, put: put)
        try archive(folder: scratch.path, name: name, to: output)
        return written.sorted()
    }

    static func addStatus(site: String, stateDirectory: StateDirectory, put: (String, Data) throws -> Void) throws {
        if let report = try? SiteStatusReport.read(site: site, stateDirectory: stateDirectory) {
            try put("status.txt", Data((report.render(.text) + "\n").utf8))
            try put("status.json", Data((report.render(.json) + "\n").utf8))
        }
        let client = RouterSupervisor(stateDirectory: stateDirectory).client
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            let status = try client.status()
            try put("router/status.json", Redaction.redactJSON(try encoder.encode(status)) ?? Data())
            try put("router/live-config.json", Redaction.redactJSON(try encoder.encode(try client.config())) ?? Data())
        } catch {
            try put("router/not-running.txt", Data("the router did not answer: \(error)\n".utf8))
        }
    }

    /// JSON files (redacted), the log's tail, certificate summaries and the file list.
    static func addStateFiles(_ stateDirectory: StateDirectory, put: (String, Data) throws -> Void) throws {
        let base = stateDirectory.path
        let manager = FileManager.default
        var listing: [String] = [], certificates: [CertificateSummary] = [], unreadable: [String] = []
        let files = (manager.subpaths(atPath: base) ?? []).sorted()
        for relative in files {
            let path = base + "/" + relative
            guard let attributes = try? manager.attributesOfItem(atPath: path), attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let mode = String((attributes[.posixPermissions] as? Int) ?? 0, radix: 8)
            listing.append("\(mode.leftPadded(to: 4)) \(String((attributes[.size] as? Int) ?? 0).leftPadded(to: 10)) \(relative)")
            if relative.hasSuffix(".json") {
                guard let data = manager.contents(atPath: path), let clean = Redaction.redactJSON(data) else { unreadable.append(relative); continue }
                try put("state/" + relative, clean)
            } else if relative.hasSuffix(".log") {
                guard let handle = FileHandle(forReadingAtPath: path) else { continue }
                defer { try? handle.close() }
                let size = (try? handle.seekToEnd()) ?? 0
                try handle.seek(toOffset: size > UInt64(logTail) ? size - UInt64(logTail) : 0)
                try put("logs/" + (relative as NSString).lastPathComponent, handle.readDataToEndOfFile())
            } else if relative.hasSuffix(".crt") || relative.hasSuffix(".pem") {
                do { certificates += try CertificateSummary.read(path, label: relative) } catch { unreadable.append(relative) }
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        try put("certificates.json", try encoder.encode(certificates))
        let notes = unreadable.isEmpty ? "" : "\nnot readable as JSON or PEM (left out): " + unreadable.joined(separator: ", ") + "\n"
        try put("files.txt", Data(("mode       size path (in \(base))\n" + listing.joined(separator: "\n") + "\n" + notes).utf8))
    }

    /// `tar -czf output -C folder name`, written with mode 0600.
    static func archive(folder: String, name: String, to output: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar", "-czf", output, "-C", folder, name]
        let errors = Pipe()
        process.standardError = errors
        let previous = umask(0o077)
        defer { umask(previous) }
        do { try process.run() } catch { throw Failure(description: "cannot run tar: \(error)") }
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "tar could not write \(output): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}

/// A private folder under the system's temporary folder, removed with its contents when released.
final class TemporaryFolder {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/skiff-dump-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw DebugDump.Failure(description: "cannot make a temporary folder: \(String(cString: strerror(errno)))") }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
