import X509

/// Another site's CA that this site trusts for links through git, bound to that site: it may
/// certify that site alone. Without the binding, east's CA could mint a certificate that names
/// north, and a router that accepts east would take it for north.
public struct SiteBoundCA: Sendable, Hashable {
    public var site: String
    public var certificate: Certificate

    public init(site: String, certificate: Certificate) {
        self.site = site
        self.certificate = certificate
    }

    /// The CAs in `pem` (a site's `ca.crt`), bound to `site`.
    public static func parse(site: String, pem: String) throws -> [SiteBoundCA] {
        try PEMFiles.certificates(inPEM: pem, source: "the CA of site \(site)").map { SiteBoundCA(site: site, certificate: $0) }
    }

    /// Whether this CA issued `certificate` (names and signature).
    public func issued(_ certificate: Certificate) -> Bool {
        certificate.isIssued(by: self.certificate)
    }
}
