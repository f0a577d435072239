import Foundation
import X509

/// What is on disk for one credential folder (`tls.crt`, `tls.key`, and the CA it must chain to),
/// checked the way a TLS peer would check it. The planner's live view of a certificate.
public struct CredentialReport: Sendable, Hashable {
    public var folder: String
    /// Empty when the credential is present and healthy.
    public var problems: [PKIError]
    public var notBefore: Date?
    public var notAfter: Date?
    /// SANs (DNS names and IP addresses) as text.
    public var hosts: [String]
    /// The site the certificate speaks for (`SiteIdentity`), if it names one.
    public var site: String?
    public var serial: String?
    /// Serial of the CA it was checked against (its issuer), when that could be read.
    public var issuerSerial: String?

    public init(folder: String, problems: [PKIError] = [], hosts: [String] = [], notBefore: Date? = nil, notAfter: Date? = nil,
                site: String? = nil, serial: String? = nil, issuerSerial: String? = nil)
    {
        self.issuerSerial = issuerSerial
        self.folder = folder
        self.problems = problems
        self.hosts = hosts
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.site = site
        self.serial = serial
    }

    /// Nothing there at all: neither certificate nor key.
    public var isMissing: Bool {
        problems.count == 2 && problems.allSatisfy { if case .missingFile = $0 { true } else { false } }
    }

    public var isHealthy: Bool { problems.isEmpty }

    /// Seconds until expiry at `now` (negative once expired).
    public func remaining(at now: Date) -> TimeInterval? {
        notAfter.map { $0.timeIntervalSince(now) }
    }
}

/// Checks credential folders.
public enum CredentialInspector {
    /// Inspects `folder/tls.crt` and `folder/tls.key`, and that the certificate chains to `ca`
    /// (a certificate, or nil to use `folder/ca.crt`). Every problem is listed, not only the first.
    public static func inspect(folder: String, issuer: Certificate? = nil, issuerPath: String? = nil, now: Date = Date()) -> CredentialReport {
        let certificatePath = folder + "/tls.crt", keyPath = folder + "/tls.key"
        var report = CredentialReport(folder: folder, problems: [], hosts: [])
        var certificate: Certificate?
        do {
            let loaded = try PEMFiles.readCertificate(certificatePath)
            certificate = loaded
            report.notBefore = loaded.notValidBefore
            report.notAfter = loaded.notValidAfter
            report.hosts = loaded.alternativeNames
            report.site = SiteIdentity.site(of: loaded)
            report.serial = loaded.serialHex
            if loaded.notValidAfter < now { report.problems.append(.expired(path: certificatePath, notAfter: loaded.notValidAfter)) }
            if loaded.notValidBefore > now { report.problems.append(.notYetValid(path: certificatePath, notBefore: loaded.notValidBefore)) }
        } catch {
            report.problems.append(error as? PKIError ?? .unreadable(path: certificatePath, expected: "a PEM certificate"))
        }
        do {
            let key = try PEMFiles.readKey(keyPath)
            if let certificate, key.publicKey != certificate.publicKey {
                report.problems.append(.keyDoesNotMatch(certificate: certificatePath, key: keyPath))
            }
        } catch {
            report.problems.append(error as? PKIError ?? .unreadable(path: keyPath, expected: "a PEM private key"))
        }
        if let certificate {
            let caPath = issuerPath ?? folder + "/ca.crt"
            do {
                // `ca.crt` may be a bundle (a link's: the CA that verifies the peer's server, and the
                // one that issued this client certificate): any of them may have issued it.
                let cas = try issuer.map { [$0] } ?? PEMFiles.readCertificates(caPath)
                if let ca = cas.first(where: certificate.isIssued(by:)) {
                    report.issuerSerial = ca.serialHex
                } else {
                    report.issuerSerial = cas.first?.serialHex
                    report.problems.append(.notIssuedByCA(certificate: certificatePath, ca: caPath))
                }
            } catch {
                report.problems.append(error as? PKIError ?? .unreadable(path: caPath, expected: "a PEM certificate"))
            }
        }
        return report
    }
}
