import Crypto
import Foundation
import SwiftASN1
import X509

/// What an operator needs to know of a certificate, and nothing secret: who it names, who issued
/// it, for which hosts and site, and when it expires. `skiff debug dump` lists one per
/// certificate in the state directory.
public struct CertificateSummary: Codable, Sendable, Hashable {
    public var path: String
    public var subject: String
    public var issuer: String
    public var serial: String
    /// DNS names and IP addresses.
    public var hosts: [String]
    /// The site the certificate speaks for (its `urn:skiff:site:` URI), if any.
    public var site: String?
    public var isCA: Bool
    public var notBefore: Date
    public var notAfter: Date
    /// SHA-256 of the DER encoding, as `openssl x509 -fingerprint -sha256` prints it (without colons).
    public var sha256: String

    public init(path: String, certificate: Certificate) throws {
        self.path = path
        subject = certificate.subject.description
        issuer = certificate.issuer.description
        serial = certificate.serialHex
        hosts = certificate.alternativeNames
        site = SiteIdentity.site(of: certificate)
        isCA = (try? certificate.extensions.basicConstraints).map { if case .isCertificateAuthority = $0 { true } else { false } } ?? false
        notBefore = certificate.notValidBefore
        notAfter = certificate.notValidAfter
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        sha256 = SHA256.hash(data: serializer.serializedBytes).map { String(format: "%02x", $0) }.joined()
    }

    /// One summary per certificate in the PEM file at `path` (a bundle holds several); `label` is
    /// the path to show.
    public static func read(_ path: String, label: String) throws -> [CertificateSummary] {
        try PEMFiles.readCertificates(path).map { try CertificateSummary(path: label, certificate: $0) }
    }
}
