import Foundation
import X509

/// One site's certificate material under `<state-dir>/pki/`:
///
/// ```
/// pki/ca/        ca.crt, tls.key          the site CA (never replaced but by `revoke-access`)
/// pki/server/    tls.crt, tls.key, ca.crt the router's server certificate for inbound links
/// pki/links/<l>/ tls.crt, tls.key, ca.crt client credentials for a link this site dials
/// pki/trust/     bundle.pem, retired.json CAs whose clients the router accepts, with overlap deadlines
/// ```
public struct SitePKI: Sendable {
    public let root: String

    public init(stateDirectory: String) {
        root = stateDirectory + "/pki"
    }

    public var caFolder: String { root + "/ca" }
    public var caCertificatePath: String { caFolder + "/ca.crt" }
    public var caKeyPath: String { caFolder + "/tls.key" }
    public var serverFolder: String { root + "/server" }
    public var trustFolder: String { root + "/trust" }
    public var trustBundlePath: String { trustFolder + "/bundle.pem" }
    public func linkFolder(_ name: String) -> String { root + "/links/" + name }

    // MARK: The site CA

    /// The CA, or an error naming the damaged file.
    public func loadCA() throws -> CertificateAuthority {
        let certificate = try PEMFiles.readCertificate(caCertificatePath)
        let key = try PEMFiles.readKey(caKeyPath)
        guard key.publicKey == certificate.publicKey else {
            throw PKIError.keyDoesNotMatch(certificate: caCertificatePath, key: caKeyPath)
        }
        guard case .isCertificateAuthority? = try? certificate.extensions.basicConstraints else {
            throw PKIError.notACertificateAuthority(path: caCertificatePath)
        }
        return CertificateAuthority(credential: Credential(certificate: certificate, key: key))
    }

    /// The CA as the planner sees it: missing (both files absent), or present with any problems.
    public func inspectCA(now: Date = Date()) -> CredentialReport {
        var report = CredentialReport(folder: caFolder, problems: [], hosts: [])
        let haveCertificate = FileManager.default.fileExists(atPath: caCertificatePath)
        let haveKey = FileManager.default.fileExists(atPath: caKeyPath)
        guard haveCertificate || haveKey else {
            report.problems = [.missingFile(path: caCertificatePath), .missingFile(path: caKeyPath)]
            return report
        }
        do {
            let ca = try loadCA()
            report.notBefore = ca.certificate.notValidBefore
            report.notAfter = ca.certificate.notValidAfter
            report.serial = ca.certificate.serialHex
            if ca.certificate.notValidAfter < now {
                report.problems.append(.expired(path: caCertificatePath, notAfter: ca.certificate.notValidAfter))
            }
        } catch {
            report.problems.append(error as? PKIError ?? .io(path: caFolder, message: "\(error)"))
        }
        return report
    }

    /// Creates the site CA. Refuses to replace one that exists: losing it breaks every link.
    public func createCA(site: String, algorithm: KeyAlgorithm = .ecdsaP256,
                         validity: TimeInterval = CertificateProfile.defaultCAValidity, now: Date = Date()) throws -> CertificateAuthority
    {
        guard !FileManager.default.fileExists(atPath: caCertificatePath), !FileManager.default.fileExists(atPath: caKeyPath) else {
            throw PKIError.io(path: caFolder, message: "a site CA already exists; only `skiff revoke-access` replaces it")
        }
        let ca = try CertificateAuthority.create(site: site, algorithm: algorithm, validity: validity, now: now)
        try storeCA(ca)
        try writeTrustBundle(now: now)
        return ca
    }

    func storeCA(_ ca: CertificateAuthority) throws {
        // Key first: a crash between the two writes leaves a key without certificate (seen as
        // damaged, never silently replaced), not a certificate whose key is lost.
        try PEMFiles.write(try ca.credential.keyPEM, to: caKeyPath, permissions: 0o600)
        try PEMFiles.write(try ca.credential.certificatePEM, to: caCertificatePath, permissions: 0o644)
    }

    // MARK: Issued certificates

    /// The router's server certificate, checked against the CA stored with it (`ca.crt`, its
    /// issuer: the site CA, or the CA named as its issuer); the planner compares that CA's serial
    /// with the issuer's now.
    public func inspectServer(now: Date = Date()) -> CredentialReport {
        CredentialInspector.inspect(folder: serverFolder, now: now)
    }

    /// Issues (or reissues) the router's server certificate for `hosts`, signed by the CA
    /// credentials `issuer` (nil: the site CA).
    @discardableResult
    public func issueServerCertificate(site: String, hosts: [String], issuer: String? = nil,
                                       validity: TimeInterval = CertificateProfile.defaultServerValidity, now: Date = Date()) throws -> Credential
    {
        let ca = try loadIssuer(issuer)
        let lifetime = min(validity, ca.certificate.notValidAfter.timeIntervalSince(now))
        let credential = try ca.issue(.server(site: site, hosts: hosts, validity: lifetime), now: now)
        try PEMFiles.writeCredential(credential, ca: ca.certificate, to: serverFolder)
        return credential
    }

    /// The folder of the credentials the router serves links and grants with: `pki/server`, or
    /// provided credentials `pki/certificates/NAME`.
    public func servedCredentialsFolder(_ provided: String?) -> String {
        provided.map(certificateFolder) ?? serverFolder
    }

    /// What a link to this site carries as its `ca.crt` (tokens and generated links): the CA
    /// dialling sites verify the router's certificate with (the `ca.crt` stored with the
    /// credentials it serves), and, when another, the site CA that issues their client certificates.
    public func servedCA(_ provided: String?) throws -> String {
        let path = servedCredentialsFolder(provided) + "/ca.crt"
        guard let served = try? String(contentsOfFile: path, encoding: .utf8) else { throw PKIError.missingFile(path: path) }
        let site = try loadCA().credential.certificatePEM
        let bundle = (try? PEMFiles.readCertificates(path)) ?? []
        guard !bundle.contains(where: { $0.serialHex == (try? loadCA())?.certificate.serialHex }) else { return served }
        return served.hasSuffix("\n") ? served + site : served + "\n" + site
    }

    /// Issues a client certificate for a link site `dialler` will dial to this one (a grant redemption).
    public func issueClientCertificate(link: String, site: String, to dialler: String,
                                       validity: TimeInterval = CertificateProfile.defaultClientValidity, now: Date = Date()) throws -> Credential
    {
        try loadCA().issue(.client(link: link, grantedBy: site, to: dialler, validity: validity), now: now)
    }

    /// Credentials of a link this site dials, checked against the CA stored with them.
    public func inspectLink(_ name: String, now: Date = Date()) -> CredentialReport {
        CredentialInspector.inspect(folder: linkFolder(name), now: now)
    }
}
