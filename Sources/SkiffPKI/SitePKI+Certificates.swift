import Foundation
import X509

/// What a `Certificate` resource asks this site to issue, as PKI sees it. Written beside the
/// credentials it issued (`skiff.json`), so the planner can tell what changed, and so that folders
/// Skiff did not issue (credentials placed by hand) are never replaced or pruned.
public struct CertificateRequest: Codable, Sendable, Hashable {
    public var subject: String
    public var hosts: [String]
    public var client: Bool
    public var server: Bool
    /// A CA of its own (self-signed); `issuer` is then ignored.
    public var signing: Bool
    /// The CA that signs it: nil for the site CA, else the name of credentials in `pki/certificates`.
    public var issuer: String?
    /// The site it speaks for (`SiteIdentity`), when the router serves links with it.
    public var site: String?

    public init(subject: String, hosts: [String], client: Bool, server: Bool, signing: Bool, issuer: String?, site: String? = nil) {
        self.subject = subject
        self.hosts = hosts
        self.client = client
        self.server = server
        self.signing = signing
        self.issuer = signing ? nil : issuer
        self.site = signing ? nil : site
    }
}

/// Credentials under `pki/certificates/NAME`, as found: the files, and what Skiff issued them for
/// (nil: placed there by hand, which Skiff only reads).
public struct IssuedCredentials: Sendable, Hashable {
    public var report: CredentialReport
    public var issued: IssuedRecord?
    /// `ca.crt`'s serial: a certificate signed by another CA than its issuer has now must be reissued.
    public var caSerial: String?

    public init(report: CredentialReport, issued: IssuedRecord?, caSerial: String?) {
        self.report = report
        self.issued = issued
        self.caSerial = caSerial
    }
}

/// The record Skiff writes beside credentials it issued (`skiff.json`).
public struct IssuedRecord: Codable, Sendable, Hashable {
    public var request: CertificateRequest
    /// Serial of the CA certificate that signed it (its own, for a signing certificate).
    public var issuerSerial: String

    public init(request: CertificateRequest, issuerSerial: String) {
        self.request = request
        self.issuerSerial = issuerSerial
    }
}

extension SitePKI {
    /// `pki/certificates/`: one folder per `Certificate` (or per credentials placed by hand).
    public var certificatesFolder: String { root + "/certificates" }
    public func certificateFolder(_ name: String) -> String { certificatesFolder + "/" + name }
    static let issuedRecordFile = "skiff.json"

    /// Issues the credentials `name` for `request`: a self-signed CA for a signing request, else a
    /// certificate signed by the request's issuer, with `ca.crt` the issuer's certificate. The
    /// record goes last, so a crash leaves credentials Skiff issues again, never a record without them.
    public func issueCertificate(_ name: String, request: CertificateRequest, algorithm: KeyAlgorithm = .ecdsaP256,
                                 validity: TimeInterval = CertificateProfile.defaultServerValidity, now: Date = Date()) throws
    {
        let folder = certificateFolder(name)
        let issuerSerial: String
        if request.signing {
            let ca = try CertificateAuthority.create(commonName: request.subject.isEmpty ? name : request.subject, algorithm: algorithm,
                                                     validity: CertificateProfile.defaultCAValidity, now: now)
            try PEMFiles.writeCredential(ca.credential, ca: ca.certificate, to: folder)
            issuerSerial = ca.certificate.serialHex
        } else {
            let issuer = try loadIssuer(request.issuer)
            // Never past the issuer's own expiry: a certificate cannot outlive what vouches for it.
            let lifetime = min(validity, issuer.certificate.notValidAfter.timeIntervalSince(now))
            var profile = CertificateProfile.application(subject: request.subject.isEmpty ? name : request.subject, hosts: request.hosts,
                                                         server: request.server, client: request.client, validity: lifetime)
            profile.site = request.site
            let credential = try issuer.issue(profile, now: now)
            try PEMFiles.writeCredential(credential, ca: issuer.certificate, to: folder)
            issuerSerial = issuer.certificate.serialHex
        }
        let record = try JSONEncoder.sorted.encode(IssuedRecord(request: request, issuerSerial: issuerSerial))
        try PEMFiles.write(String(decoding: record, as: UTF8.self), to: folder + "/" + Self.issuedRecordFile, permissions: 0o644)
    }

    /// The CA that signs with `name`'s credentials, or the site CA for nil.
    public func loadIssuer(_ name: String?) throws -> CertificateAuthority {
        guard let name else { return try loadCA() }
        let folder = certificateFolder(name)
        let certificate = try PEMFiles.readCertificate(folder + "/tls.crt")
        let key = try PEMFiles.readKey(folder + "/tls.key")
        guard key.publicKey == certificate.publicKey else { throw PKIError.keyDoesNotMatch(certificate: folder + "/tls.crt", key: folder + "/tls.key") }
        guard case .isCertificateAuthority? = try? certificate.extensions.basicConstraints else {
            throw PKIError.notACertificateAuthority(path: folder + "/tls.crt")
        }
        return CertificateAuthority(credential: Credential(certificate: certificate, key: key))
    }

    /// Every folder under `pki/certificates`, inspected as a TLS peer would (each checked against
    /// its own `ca.crt`), with what Skiff issued it for.
    public func inspectCertificates(now: Date = Date()) -> [String: IssuedCredentials] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: certificatesFolder)) ?? []
        return Dictionary(uniqueKeysWithValues: names.filter { !$0.hasPrefix(".") }.map { name in
            let folder = certificateFolder(name)
            let record = (try? Data(contentsOf: URL(fileURLWithPath: folder + "/" + Self.issuedRecordFile)))
                .flatMap { try? JSONDecoder().decode(IssuedRecord.self, from: $0) }
            let caSerial = (try? PEMFiles.readCertificate(folder + "/ca.crt"))?.serialHex
            return (name, IssuedCredentials(report: CredentialInspector.inspect(folder: folder, now: now), issued: record, caSerial: caSerial))
        })
    }

    /// Removes credentials Skiff issued (their Certificate left git).
    public func removeCertificate(_ name: String) throws {
        let folder = certificateFolder(name)
        guard FileManager.default.fileExists(atPath: folder + "/" + Self.issuedRecordFile) else {
            throw PKIError.io(path: folder, message: "not issued by Skiff (no \(Self.issuedRecordFile)); left as it is")
        }
        try FileManager.default.removeItem(atPath: folder)
    }
}

extension JSONEncoder {
    /// Keys sorted, so the same value is always written the same way.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return encoder
    }
}
