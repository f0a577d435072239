import Crypto
import Foundation
import SkiffModel
import SkiffSupport

/// A plan written by `skiff plan --out` for a later `skiff apply --plan`: the reviewed plan is
/// applied only if nothing it was computed from has changed since — the commit, and the live state
/// (what was applied, the certificates, the router's configuration) by fingerprint.
public struct SavedPlan: Codable, Sendable, Hashable {
    public static let formatVersion = 1

    public var formatVersion: Int
    public var site: String
    public var commit: String?
    public var liveFingerprint: String
    /// The actions as people read them, for review.
    public var actions: [String]

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", site, commit, liveFingerprint = "live_fingerprint", actions
    }

    public init(_ report: SitePlanReport) {
        formatVersion = Self.formatVersion
        site = report.site
        commit = report.desired.snapshot.commit?.id
        liveFingerprint = report.liveFingerprint
        actions = (report.plan?.actions ?? []).map(\.description)
    }

    public struct Stale: Error, CustomStringConvertible {
        public var description: String
    }

    /// Throws `Stale` unless `report` was computed from the same site, commit and live state.
    public func check(against report: SitePlanReport) throws {
        guard formatVersion == Self.formatVersion else { throw Stale(description: "plan file format \(formatVersion) is not supported") }
        guard site == report.site else { throw Stale(description: "the plan is for site \(site), not \(report.site)") }
        let now = report.desired.snapshot.commit?.id
        guard commit == now else {
            throw Stale(description: "stale plan: it was made for commit \(commit.map { String($0.prefix(12)) } ?? "a folder"), "
                + "the repository is now at \(now.map { String($0.prefix(12)) } ?? "a folder"); run skiff plan again")
        }
        guard liveFingerprint == report.liveFingerprint else {
            throw Stale(description: "stale plan: the live state of site \(site) changed since the plan was made; run skiff plan again")
        }
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self), to: path, permissions: 0o644)
    }

    public static func load(_ path: String) throws -> SavedPlan {
        guard let data = FileManager.default.contents(atPath: path) else { throw Stale(description: "\(path): cannot be read") }
        do {
            return try JSONDecoder().decode(SavedPlan.self, from: data)
        } catch {
            throw Stale(description: "\(path): not a saved plan (\(error))")
        }
    }
}

extension LiveSite {
    /// A digest of everything the planner reads from the live state.
    var fingerprint: String {
        var text = resources.keys.sorted().map { "\($0)=\($0.kind)\(resources[$0]!.rendered)" }.joined(separator: "\n")
        for role in CertificateRole.allCases where role != .trustBundle {
            let report = certificates?[role]
            text += "\n\(role.rawValue):\(report?.serial ?? "-"):\(report?.problems.map(\.description).joined(separator: ",") ?? "")"
        }
        text += "\ntrust:" + (trust?.present?.joined(separator: "+") ?? "-")
        switch router {
        case .running(let config, let unbound)?:
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            text += "\nrouter:" + ((try? encoder.encode(config)).map { String(decoding: $0, as: UTF8.self) } ?? "")
            text += unbound.map { "\nunbound:" + $0 }.joined()
        case .notRunning?: text += "\nrouter:down"
        case .unresponsive?: text += "\nrouter:unresponsive"
        case nil: break
        }
        return SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
