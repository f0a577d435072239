/// Link trust through the repository (docs/trust.md): a site commits its public CA as
/// `<site>/ca.crt`, names on its Site the sites it accepts links from, and a Link that names a site
/// of the repository dials it with a certificate from the dialling site's own CA. No token, no key
/// and no code is ever committed; a reviewer reads who may link to whom in the pull request.
public enum SiteTrust {
    /// On a Site: the sites whose own CA may certify links to this one, comma-separated (`east, north`).
    public static let acceptLinksFrom = "skiff.io/accept-links-from"
    /// On a Link: the site of this repository it links to, trusted through git.
    public static let linkedSite = "skiff.io/site"
    /// The file in a site's folder that holds its public CA certificate.
    public static let caFileName = "ca.crt"
    /// A CA certificate is a few hundred bytes; anything much larger is not one.
    public static let maxCABytes = 16 * 1024

    /// Whether `path` (relative to the network root) is a site's public CA: `<site>/ca.crt`.
    public static func isSiteCA(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts[1] == caFileName && !parts[0].isEmpty
    }

    /// The annotations that change what a site does (every other annotation is the user's): they
    /// are planned and recorded like spec fields, so `plan --base` shows a pull request that lets
    /// east link to west.
    public static let plannedAnnotations: Set<String> = [acceptLinksFrom, linkedSite]

    /// The annotation path diagnostics point at.
    static func annotationPath(_ key: String) -> String { "metadata.annotations.\(key)" }
}

/// A site's CA certificate as committed (`<site>/ca.crt`): public PEM text, never a key.
public struct PublicCA: Sendable, Hashable {
    public var site: String
    public var pem: String
    public var location: SourceLocation

    public init(site: String, pem: String, location: SourceLocation) {
        self.site = site
        self.pem = pem
        self.location = location
    }
}

/// A Link trusted through git, resolved against the site it names: the CA that site's router
/// certificate must chain to. (It dials its own `spec.endpoints`, as every Link does.)
public struct TrustedLink: Sendable, Hashable {
    public var link: String
    public var peer: String
    public var peerCA: PublicCA
}
