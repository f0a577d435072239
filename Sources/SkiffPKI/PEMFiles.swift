import Foundation
import SkiffSupport
import X509

/// Reading and writing certificate material: atomic writes, keys 0600, folders 0700, and errors
/// that name the file.
public enum PEMFiles {
    public static func readCertificate(_ path: String) throws -> Certificate {
        try readCertificates(path, expectingOne: true)[0]
    }

    /// Every certificate in a PEM bundle.
    public static func readCertificates(_ path: String, expectingOne: Bool = false) throws -> [Certificate] {
        try certificates(inPEM: try readText(path), source: path, expectingOne: expectingOne)
    }

    /// Every certificate in PEM text; `source` names it in the error (a path, or where it came from).
    public static func certificates(inPEM text: String, source: String, expectingOne: Bool = false) throws -> [Certificate] {
        let blocks = text.components(separatedBy: "-----END CERTIFICATE-----").dropLast()
        let certificates = blocks.compactMap { block -> Certificate? in
            try? Certificate(pemEncoded: block + "-----END CERTIFICATE-----\n")
        }
        guard !certificates.isEmpty, certificates.count == blocks.count, !expectingOne || certificates.count == 1 else {
            throw PKIError.unreadable(path: source, expected: expectingOne ? "a PEM certificate" : "a PEM certificate (or a bundle of them)")
        }
        return certificates
    }

    public static func readKey(_ path: String) throws -> Certificate.PrivateKey {
        do {
            return try Certificate.PrivateKey(pemEncoded: try readText(path))
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError.unreadable(path: path, expected: "a PEM private key (PKCS#8, SEC1 or PKCS#1)")
        }
    }

    static func readText(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { throw PKIError.missingFile(path: path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw PKIError.io(path: path, message: "cannot be read") }
        guard let text = String(data: data, encoding: .utf8) else { throw PKIError.unreadable(path: path, expected: "PEM text") }
        return text
    }

    /// Writes a whole file atomically (temporary file in the same folder, then rename).
    public static func write(_ text: String, to path: String, permissions: Int) throws {
        try createFolder((path as NSString).deletingLastPathComponent)
        do {
            try AtomicFile.write(text, to: path, permissions: permissions)
        } catch let failure as AtomicFile.Failure {
            throw PKIError.io(path: path, message: failure.description)
        }
    }

    /// Creates `folder` and its parents with mode 0700.
    public static func createFolder(_ folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw PKIError.io(path: folder, message: "cannot create folder")
        }
    }

    /// Writes a credential folder: `tls.crt`, `tls.key` (0600) and `ca.crt`.
    public static func writeCredential(_ credential: Credential, ca: Certificate, to folder: String) throws {
        try write(try credential.keyPEM, to: folder + "/tls.key", permissions: 0o600)
        try write(try credential.certificatePEM, to: folder + "/tls.crt", permissions: 0o644)
        try write(try ca.serializeAsPEM().pemString, to: folder + "/ca.crt", permissions: 0o644)
    }
}
