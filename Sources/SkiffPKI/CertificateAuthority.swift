import Crypto
import Foundation
import SwiftASN1
import X509

/// A site's private certificate authority: it signs the site's server certificate and the client
/// certificates of every link other sites are granted.
public struct CertificateAuthority: Sendable {
    public var credential: Credential

    public init(credential: Credential) {
        self.credential = credential
    }

    public var certificate: Certificate { credential.certificate }

    /// A new self-signed CA for `site`.
    public static func create(site: String, algorithm: KeyAlgorithm = .ecdsaP256,
                              validity: TimeInterval = CertificateProfile.defaultCAValidity, now: Date = Date()) throws -> CertificateAuthority
    {
        try create(commonName: "\(site) site CA", algorithm: algorithm, validity: validity, now: now)
    }

    /// A new self-signed CA named `commonName` (a signing `Certificate`, or a site's CA).
    public static func create(commonName: String, algorithm: KeyAlgorithm = .ecdsaP256,
                              validity: TimeInterval = CertificateProfile.defaultCAValidity, now: Date = Date()) throws -> CertificateAuthority
    {
        let key = try algorithm.generateKey()
        let name = try DistinguishedName {
            OrganizationName("skiff")
            CommonName(commonName)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(validity),
            issuer: name, subject: name, signatureAlgorithm: signatureAlgorithm(for: key),
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(keyIdentifier: keyIdentifier(key.publicKey))
            },
            issuerPrivateKey: key)
        return CertificateAuthority(credential: Credential(certificate: certificate, key: key))
    }

    /// Issues a certificate for `profile`, with a fresh key of the CA's algorithm.
    public func issue(_ profile: CertificateProfile, now: Date = Date()) throws -> Credential {
        let key = try KeyAlgorithm.of(credential.key).generateKey()
        let subject = try DistinguishedName {
            OrganizationName("skiff")
            CommonName(profile.commonName)
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            let usages = Self.usages(profile.purpose)
            if !usages.isEmpty {
                try ExtendedKeyUsage(usages)
            }
            SubjectKeyIdentifier(keyIdentifier: Self.keyIdentifier(key.publicKey))
            AuthorityKeyIdentifier(keyIdentifier: Self.keyIdentifier(certificate.publicKey))
            let names = Self.alternativeNames(profile.hosts) + (profile.site.map { [.uniformResourceIdentifier(SiteIdentity.uri($0))] } ?? [])
            if !names.isEmpty {
                SubjectAlternativeNames(names)
            }
        }
        let issued = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(profile.validity),
            issuer: certificate.subject, subject: subject, signatureAlgorithm: Self.signatureAlgorithm(for: credential.key),
            extensions: extensions, issuerPrivateKey: credential.key)
        return Credential(certificate: issued, key: key)
    }

    static func usages(_ purpose: CertificateProfile.Purpose) -> [ExtendedKeyUsage.Usage] {
        switch purpose {
        case .server: [.serverAuth]
        case .client: [.clientAuth]
        case .application(_, let server, let client): (server ? [.serverAuth] : []) + (client ? [.clientAuth] : [])
        }
    }

    /// IP literals become IP SANs, everything else DNS SANs (a name in the wrong type fails hostname checks).
    static func alternativeNames(_ hosts: [String]) -> [GeneralName] {
        var seen: Set<String> = []
        return hosts.filter { seen.insert($0.lowercased()).inserted }.map { host in
            if let bytes = IPAddressText.parse(host) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))) }
            return .dnsName(host)
        }
    }

    static func signatureAlgorithm(for key: Certificate.PrivateKey) -> Certificate.SignatureAlgorithm {
        KeyAlgorithm.of(key) == .ecdsaP256 ? .ecdsaWithSHA256 : .sha256WithRSAEncryption
    }

    /// RFC 5280 method-style key identifier: a hash of the public key, 20 bytes.
    static func keyIdentifier(_ key: Certificate.PublicKey) -> ArraySlice<UInt8> {
        ArraySlice(Insecure.SHA1.hash(data: Array(key.subjectPublicKeyInfoBytes)))
    }
}
