import Crypto
import Foundation
import SkiffRouterAPI

/// Every grant a site serves: the grant server's state, as `records/grants.json`. The decisions
/// (arm a grant, check a redemption) are pure functions of the book, the request and the clock.
public struct GrantBook: Codable, Sendable, Hashable, RecordFile {
    static let relativePath = "records/grants.json"
    static let empty = GrantBook()

    public var grants: [String: GrantRecord]

    public init(grants: [String: GrantRecord] = [:]) {
        self.grants = grants
    }

    public static func path(stateDirectory: String) -> String { path(in: stateDirectory) }

    /// The book on disk; an empty one when there is none yet.
    public static func load(stateDirectory: String) throws -> GrantBook { try read(from: stateDirectory) }

    /// Writes the book atomically, readable by the owner only: it holds codes.
    public func save(stateDirectory: String) throws { try write(to: stateDirectory) }

    /// Makes the book serve exactly `config`'s grants under the CA with `caSerial`: a grant that is new,
    /// changed in git or made under a replaced CA starts afresh (new code unless git gives one, new
    /// expiry, no redemptions); an unchanged one keeps its code, count and expiry; a removed one is
    /// dropped. Returns whether anything changed.
    @discardableResult
    public mutating func arm(_ config: GrantServerConfig, caSerial: String, now: Date, newCode: () -> String = GrantBook.randomCode) -> Bool {
        var armed: [String: GrantRecord] = [:]
        for grant in config.grants {
            let definition = Self.definition(of: grant, url: config.url(for: grant.name))
            if let existing = grants[grant.name], existing.definition == definition, existing.caSerial == caSerial {
                armed[grant.name] = existing
                continue
            }
            armed[grant.name] = GrantRecord(
                name: grant.name, url: config.url(for: grant.name), code: grant.code ?? newCode(), codeFromGit: grant.code != nil,
                redemptionsAllowed: grant.redemptionsAllowed, redemptions: 0, createdAt: now,
                expiresAt: now.addingTimeInterval(grant.expirationWindow), caSerial: caSerial, definition: definition, redeemedBy: [])
        }
        defer { grants = armed }
        return armed != grants
    }

    /// Whether grant `name` accepts `code` now; the record to redeem, or why not. The code is
    /// checked before the grant's state, so a caller without the code learns nothing about it.
    public func check(name: String, code: String, caSerial: String, now: Date) -> Result<GrantRecord, RedemptionRefusal> {
        guard let record = grants[name] else { return .failure(.unknownGrant) }
        guard Self.codesMatch(record.code, code) else { return .failure(.wrongCode) }
        if let refusal = record.state(now: now, caSerial: caSerial).refusal { return .failure(refusal) }
        return .success(record)
    }

    /// Counts one redemption of grant `name` by `site`.
    public mutating func recordRedemption(name: String, by site: String) {
        grants[name]?.redemptions += 1
        grants[name]?.redeemedBy.append(site)
    }

    /// Compares digests of the two codes: equal-length inputs, and swift-crypto compares digests in
    /// constant time, so the time taken says nothing about how much of a guess was right.
    static func codesMatch(_ expected: String, _ given: String) -> Bool {
        SHA256.hash(data: Data(expected.utf8)) == SHA256.hash(data: Data(given.utf8))
    }

    static func definition(of grant: GrantServerConfig.Grant, url: String) -> String {
        let text = "\(grant.redemptionsAllowed)\n\(grant.expirationWindow)\n\(grant.code ?? "")\n\(url)"
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// 144 random bits from the system's CSPRNG, base64url: 24 characters.
    public static func randomCode() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<18).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }
}
