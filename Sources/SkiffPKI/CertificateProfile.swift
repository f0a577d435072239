import Foundation

/// What a certificate is for: the router's server side of links, one link's client side, or an
/// application's TLS (a `Certificate` resource).
public struct CertificateProfile: Sendable, Hashable {
    public enum Purpose: Sendable, Hashable {
        /// Presented by the router to dialling sites; `hosts` become DNS or IP SANs.
        case server(hosts: [String])
        /// Presented by a dialling site on the link `link`.
        case client(link: String)
        /// An application's certificate: for a server, a client or both; `hosts` become SANs.
        case application(hosts: [String], server: Bool, client: Bool)
    }

    public var purpose: Purpose
    public var commonName: String
    /// The site the certificate speaks for (a `SiteIdentity` URI SAN); the router checks HELLO against it.
    public var site: String?
    /// Seconds from issue to expiry.
    public var validity: TimeInterval

    public init(purpose: Purpose, commonName: String, site: String? = nil, validity: TimeInterval) {
        self.purpose = purpose
        self.commonName = commonName
        self.site = site
        self.validity = validity
    }

    /// Server certificates live one year by default and are renewed by the site itself.
    public static let defaultServerValidity: TimeInterval = 365 * 86400
    /// Client certificates live five years (as Skupper's): renewing one needs a new token.
    public static let defaultClientValidity: TimeInterval = 5 * 365 * 86400
    /// Site CAs live five years.
    public static let defaultCAValidity: TimeInterval = 5 * 365 * 86400

    public static func server(site: String, hosts: [String], validity: TimeInterval = defaultServerValidity) -> CertificateProfile {
        CertificateProfile(purpose: .server(hosts: hosts), commonName: "\(site) router", site: site, validity: validity)
    }

    /// The client certificate site `dialler` presents on link `link` to `site`.
    public static func client(link: String, grantedBy site: String, to dialler: String,
                              validity: TimeInterval = defaultClientValidity) -> CertificateProfile
    {
        CertificateProfile(purpose: .client(link: link), commonName: "link \(link) to \(site)", site: dialler, validity: validity)
    }

    /// A `Certificate` resource's certificate, named `subject`.
    public static func application(subject: String, hosts: [String], server: Bool, client: Bool,
                                   validity: TimeInterval = defaultServerValidity) -> CertificateProfile
    {
        CertificateProfile(purpose: .application(hosts: hosts, server: server, client: client), commonName: subject, validity: validity)
    }

    /// The hosts a certificate names (none for a link's client certificate).
    var hosts: [String] {
        switch purpose {
        case .server(let hosts), .application(let hosts, _, _): hosts
        case .client: []
        }
    }
}
