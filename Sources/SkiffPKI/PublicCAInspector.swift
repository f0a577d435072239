import Foundation
import X509

/// Checks a site's public CA as committed in git (`<site>/ca.crt`, link trust through git).
public enum PublicCAInspector {
    /// Why the PEM text `pem` (the CA of `site`, from `source`) cannot be trusted at `now`, if it cannot.
    public static func problem(pem: String, site: String, source: String, now: Date = Date()) -> String? {
        guard let certificate = try? PEMFiles.certificates(inPEM: pem, source: source, expectingOne: true).first else {
            return "not a PEM certificate (commit the output of skiff site ca --site \(site))"
        }
        guard case .isCertificateAuthority? = try? certificate.extensions.basicConstraints else {
            return "not a CA certificate (basicConstraints CA:TRUE missing); commit the output of skiff site ca --site \(site)"
        }
        if certificate.notValidAfter < now {
            return "the CA of site \(site) expired at \(ISO8601DateFormatter().string(from: certificate.notValidAfter)); rotate it (skiff revoke-access --site \(site)) and commit the new one"
        }
        if certificate.notValidBefore > now {
            return "the CA of site \(site) is not valid before \(ISO8601DateFormatter().string(from: certificate.notValidBefore))"
        }
        return nil
    }
}

extension SitePKI {
    /// Whether PEM text `pem` is this site's current CA (same key); nil when the site has no CA yet.
    public func isCurrentCA(pem: String) -> Bool? {
        guard let actual = try? loadCA().certificate else { return nil }
        let committed = try? PEMFiles.certificates(inPEM: pem, source: "ca.crt", expectingOne: true).first
        return committed?.publicKey == actual.publicKey
    }
}
