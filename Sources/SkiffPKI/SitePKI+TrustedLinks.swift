import Crypto
import Foundation
import X509

/// What is on disk for a link trusted through git (`pki/links/<name>/`): a client certificate this
/// site's own CA issued, and the peer's public CA from the repository as `ca.crt`.
public struct TrustedLinkReport: Sendable, Hashable {
    public var credential: CredentialReport
    /// SHA-256 of `ca.crt` as found (nil when it cannot be read), to compare with the peer's `ca.crt` in git.
    public var peerCADigest: String?
    /// The certificate is in the last part of its life (`RenewalPolicy`).
    public var renewalDue: Bool

    public var isMissing: Bool { credential.isMissing }
}

extension SitePKI {
    /// How long the client certificate of a link trusted through git lives: a year, renewed by the
    /// site itself (as its server certificate), never beyond its CA.
    public static let trustedLinkValidity: TimeInterval = 365 * 86400

    /// Issues a client certificate for link `name` from this site's own CA, naming `site`, and
    /// writes it with the peer's public CA `peerCA` (PEM from git) into `pki/links/<name>/`.
    public func issueTrustedLinkCredentials(_ name: String, site: String, peer: String, peerCA: String, now: Date = Date()) throws {
        let ca = try loadCA()
        let lifetime = min(Self.trustedLinkValidity, ca.certificate.notValidAfter.timeIntervalSince(now))
        let credential = try ca.issue(.client(link: name, grantedBy: peer, to: site, validity: lifetime), now: now)
        try writeLinkCredentials(name, pem: ["tls.key": try credential.keyPEM, "tls.crt": try credential.certificatePEM, "ca.crt": peerCA])
    }

    /// The credentials of trusted link `name`, checked against this site's CA (not `ca.crt`, which
    /// is the peer's).
    public func inspectTrustedLink(_ name: String, now: Date = Date()) -> TrustedLinkReport {
        inspectTrustedLink(name, issuer: try? loadCA().certificate, now: now)
    }

    private func inspectTrustedLink(_ name: String, issuer: Certificate?, now: Date) -> TrustedLinkReport {
        let folder = linkFolder(name)
        let credential = CredentialInspector.inspect(folder: folder, issuer: issuer, issuerPath: caCertificatePath, now: now)
        let peerCA = FileManager.default.contents(atPath: folder + "/ca.crt").map { Self.digest(String(decoding: $0, as: UTF8.self)) }
        let due = credential.notBefore.flatMap { notBefore in
            credential.notAfter.map { RenewalPolicy.isDue(notBefore: notBefore, notAfter: $0, now: now) }
        } ?? false
        return TrustedLinkReport(credential: credential, peerCADigest: peerCA, renewalDue: due)
    }

    /// Every link folder on disk inspected as a trusted link's (a token's folder is inspected too,
    /// harmlessly: the planner looks only at the names git trusts).
    public func inspectTrustedLinks(now: Date = Date()) -> [String: TrustedLinkReport] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/links")) ?? []
        let issuer = try? loadCA().certificate
        return Dictionary(uniqueKeysWithValues: names.map { ($0, inspectTrustedLink($0, issuer: issuer, now: now)) })
    }

    /// SHA-256 of `text` in hex: how a peer CA in git is compared with the one on disk.
    public static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
