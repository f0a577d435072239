import Foundation
import X509

/// Whether a link's peer certificate, accepted at its TLS handshake, is still trusted: a link
/// lives for days, and the site may revoke access (rotate its CA) or the certificate may expire
/// in the meantime. TLS checks a certificate once; this checks it again.
public enum PeerTrust {
    /// Why `der` is no longer acceptable against the CAs in `trusted` at `now`, or nil when it is.
    public static func problem(peerDER der: [UInt8], trusted: [Certificate], now: Date = Date()) -> String? {
        guard let certificate = try? Certificate(derEncoded: der) else { return "its certificate cannot be read" }
        if certificate.notValidAfter < now {
            return "its certificate expired at \(ISO8601DateFormatter().string(from: certificate.notValidAfter))"
        }
        let signed = trusted.contains { ca in
            ca.subject == certificate.issuer && ca.publicKey.isValidSignature(certificate.signature, for: certificate)
        }
        return signed ? nil : "its certificate is not signed by a CA this site trusts (access was revoked)"
    }

    /// The CAs in a trust bundle file (`pki/trust/bundle.pem`).
    public static func bundle(at path: String) throws -> [Certificate] {
        try PEMFiles.readCertificates(path)
    }
}
