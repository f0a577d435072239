import X509

/// The site a certificate speaks for: a URI subject alternative name `urn:skiff:site:<name>` in
/// every server and link certificate a site CA issues. A router accepts a link's HELLO only when
/// the site it names is the one its certificate names, so holding credentials for one site never
/// lets a peer speak as another.
public enum SiteIdentity {
    static let prefix = "urn:skiff:site:"

    /// The URI that names `site`.
    public static func uri(_ site: String) -> String { prefix + site }

    /// The site `certificate` names, if it names one.
    public static func site(of certificate: Certificate) -> String? {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return nil }
        for case .uniformResourceIdentifier(let uri) in names where uri.hasPrefix(prefix) {
            return String(uri.dropFirst(prefix.count))
        }
        return nil
    }

    /// The site a DER-encoded certificate names (nil when it names none or does not parse).
    public static func site(ofDER bytes: [UInt8]) -> String? {
        (try? Certificate(derEncoded: bytes)).flatMap(site(of:))
    }
}
