import Foundation
import X509

/// A CA that was replaced, still trusted for inbound links until `trustedUntil`.
public struct RetiredCA: Sendable, Codable, Hashable {
    public var serial: String
    public var file: String
    public var trustedUntil: Date
}

/// The trust bundle (`pki/trust/bundle.pem`) as found, against what it must hold: the current CA,
/// then each retired CA still inside its overlap. A retired CA whose overlap has ended stays in
/// the file until something rewrites it, so the reconciler compares the two.
public struct TrustBundleReport: Sendable, Hashable {
    public var path: String
    /// Serials of the CAs the bundle must hold, the current CA first.
    public var wanted: [String]
    /// Serials of the CAs it holds; nil when it is missing or unreadable.
    public var present: [String]?

    public var isCurrent: Bool { present.map(Set.init) == Set(wanted) }
    /// Retired CAs still trusted (inside their overlap).
    public var retiredTrusted: [String] { Array(wanted.dropFirst()) }
    /// CAs in the file that must no longer be trusted (an overlap ended).
    public var noLongerTrusted: [String] { (present ?? []).filter { !wanted.contains($0) } }
}

/// What `revoke-access` did.
public struct CARotation: Sendable {
    public var previousSerial: String?
    public var newSerial: String
    /// Until when certificates of the previous CA are still accepted (nil: not at all).
    public var previousTrustedUntil: Date?
    public var serverReissued: Bool
}

extension SitePKI {
    /// The CAs whose certificates the router accepts on inbound links at `now`: the current CA and
    /// every retired one still inside its overlap.
    public func trustedCAs(now: Date = Date()) throws -> [Certificate] {
        var certificates = [try loadCA().certificate]
        for retired in try retiredCAs() where retired.trustedUntil > now {
            if let certificate = try? PEMFiles.readCertificate(trustFolder + "/" + retired.file) { certificates.append(certificate) }
        }
        return certificates
    }

    /// The trust bundle on disk against what it must hold at `now`; nil when the site has no CA
    /// (nothing to trust yet).
    public func inspectTrust(now: Date = Date()) -> TrustBundleReport? {
        guard let wanted = try? trustedCAs(now: now) else { return nil }
        let present = try? PEMFiles.readCertificates(trustBundlePath)
        return TrustBundleReport(path: trustBundlePath, wanted: wanted.map(\.serialHex), present: present?.map(\.serialHex))
    }

    /// Rewrites `trust/bundle.pem` for `now`; returns the CAs it holds.
    @discardableResult
    public func writeTrustBundle(now: Date = Date()) throws -> [Certificate] {
        let certificates = try trustedCAs(now: now)
        let pem = try certificates.map { try $0.serializeAsPEM().pemString }.joined(separator: "\n") + "\n"
        try PEMFiles.write(pem, to: trustBundlePath, permissions: 0o644)
        return certificates
    }

    func retiredCAs() throws -> [RetiredCA] {
        let path = trustFolder + "/retired.json"
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode([RetiredCA].self, from: data)
        } catch {
            throw PKIError.unreadable(path: path, expected: "a list of retired CAs")
        }
    }

    /// Replaces the site CA with a new one and reissues the server certificate with the same names
    /// when the site CA issued it (one another CA issued — a `defaultIssuer` — is left as it is).
    /// Certificates of the previous CA stay trusted for `overlap` seconds (0: revoked at once).
    public func rotateCA(site: String, overlap: TimeInterval, now: Date = Date()) throws -> CARotation {
        let previous = try? loadCA()
        let server = inspectServer(now: now)
        let issuedBySiteCA = server.issuerSerial == nil || server.issuerSerial == previous?.certificate.serialHex
        let hosts = issuedBySiteCA ? (try? PEMFiles.readCertificate(serverFolder + "/tls.crt"))?.alternativeNames : nil
        var retired = try retiredCAs().filter { $0.trustedUntil > now }
        if let previous, overlap > 0 {
            let file = "retired-\(previous.certificate.serialHex).crt"
            try PEMFiles.write(try previous.certificate.serializeAsPEM().pemString, to: trustFolder + "/" + file, permissions: 0o644)
            retired.append(RetiredCA(serial: previous.certificate.serialHex, file: file, trustedUntil: now.addingTimeInterval(overlap)))
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try PEMFiles.write(String(decoding: try encoder.encode(retired), as: UTF8.self), to: trustFolder + "/retired.json", permissions: 0o644)

        let algorithm = previous.map { KeyAlgorithm.of($0.credential.key) } ?? .ecdsaP256
        let ca = try CertificateAuthority.create(site: site, algorithm: algorithm, now: now)
        try storeCA(ca)
        if let hosts { try issueServerCertificate(site: site, hosts: hosts, now: now) }
        try writeTrustBundle(now: now)
        return CARotation(previousSerial: previous?.certificate.serialHex, newSerial: ca.certificate.serialHex,
                          previousTrustedUntil: previous != nil && overlap > 0 ? now.addingTimeInterval(overlap) : nil,
                          serverReissued: hosts != nil)
    }
}
