import Foundation
import X509

/// Whether a link's peer certificate, accepted at its TLS handshake, is still trusted: a link
/// lives for days, and the site may revoke access (rotate its CA), git may withdraw a site's
/// permission, or the certificate may expire in the meantime. TLS checks a certificate once; this
/// checks it again.
public enum PeerTrust {
    /// Why `der` is no longer acceptable against the CAs in `trusted` (this site's own, which may
    /// certify any dialling site) and `bound` (other sites' CAs, each for its own site) at `now`,
    /// or nil when it is.
    public static func problem(peerDER der: [UInt8], trusted: [Certificate], bound: [SiteBoundCA] = [], now: Date = Date()) -> String? {
        guard let certificate = try? Certificate(derEncoded: der) else { return "its certificate cannot be read" }
        if certificate.notValidAfter < now {
            return "its certificate expired at \(ISO8601DateFormatter().string(from: certificate.notValidAfter))"
        }
        if trusted.contains(where: certificate.isIssued(by:)) { return nil }
        guard bound.contains(where: { $0.issued(certificate) }) else {
            return "its certificate is not signed by a CA this site trusts (access was revoked, or git no longer permits its site)"
        }
        return misissue(certificate, bound: bound)
    }

    /// Why `certificate` may not be used when a site-bound CA issued it: it names another site than
    /// that CA's. Nil when no bound CA issued it, or when it names the CA's own site.
    public static func misissue(_ certificate: Certificate, bound: [SiteBoundCA]) -> String? {
        guard let ca = bound.first(where: { $0.issued(certificate) }) else { return nil }
        let named = SiteIdentity.site(of: certificate)
        guard named != ca.site else { return nil }
        return "its certificate names \(named.map { "site \($0)" } ?? "no site") but was issued by the CA of site \(ca.site), which may certify only \(ca.site)"
    }

    /// The CAs in a trust bundle file (`pki/trust/bundle.pem`).
    public static func bundle(at path: String) throws -> [Certificate] {
        try PEMFiles.readCertificates(path)
    }
}
