/// Another site's public CA that the router accepts links from (link trust through git), bound to
/// that site: a certificate it issued is accepted only when it names that very site.
public struct PeerCA: Codable, Sendable, Hashable {
    public var site: String
    /// PEM, as committed in `<site>/ca.crt`.
    public var pem: String

    public init(site: String, pem: String) {
        self.site = site
        self.pem = pem
    }
}
