import Foundation
import NIOSSL
import SkiffRouterAPI

/// TLS toward applications, with credentials from `pki/certificates/<name>/` (`tls.crt`,
/// `tls.key`, `ca.crt`): what a listener serves its clients, and what a connector speaks to its
/// backend. TLS 1.2 or 1.3, as the application offers (links between routers speak 1.3 only).
enum ApplicationTLSContexts {
    /// Why the credentials cannot be used, in one line naming the file.
    struct Unusable: Error, CustomStringConvertible {
        var description: String
    }

    /// A listener's: its certificate and key; with `clientCertificate`, clients must present a
    /// certificate that chains to `ca.crt`.
    static func listener(_ tls: RouterConfig.ApplicationTLS, pki root: String) throws -> NIOSSLContext {
        let folder = try files(tls.credentials, pki: root, needing: tls.clientCertificate ? ["tls.crt", "tls.key", "ca.crt"] : ["tls.crt", "tls.key"])
        return try context(tls.credentials) {
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(folder + "/tls.crt").map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: folder + "/tls.key", format: .pem)))
            if tls.clientCertificate {
                configuration.trustRoots = .file(folder + "/ca.crt")
                configuration.certificateVerification = .noHostnameVerification
            }
            configuration.minimumTLSVersion = .tlsv12
            return configuration
        }
    }

    /// A connector's: the backend's certificate must chain to `ca.crt` (and, with
    /// `verifyHostname`, name the host dialled); with `clientCertificate` it presents `tls.crt`.
    static func connector(_ tls: RouterConfig.ApplicationTLS, pki root: String) throws -> NIOSSLContext {
        let folder = try files(tls.credentials, pki: root, needing: tls.clientCertificate ? ["ca.crt", "tls.crt", "tls.key"] : ["ca.crt"])
        return try context(tls.credentials) {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = .file(folder + "/ca.crt")
            configuration.certificateVerification = tls.verifyHostname ? .fullVerification : .noHostnameVerification
            if tls.clientCertificate {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(folder + "/tls.crt").map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: folder + "/tls.key", format: .pem))
            }
            configuration.minimumTLSVersion = .tlsv12
            return configuration
        }
    }

    /// The credentials' folder, once every file needed is there.
    private static func files(_ name: String, pki root: String, needing files: [String]) throws -> String {
        let folder = root + "/certificates/" + name
        let missing = files.filter { !FileManager.default.fileExists(atPath: folder + "/" + $0) }
        guard missing.isEmpty else {
            throw Unusable(description: "credentials pki/certificates/\(name) lack \(missing.joined(separator: ", ")) "
                + "(a Certificate named \(name) issues them, or place them there)")
        }
        return folder
    }

    private static func context(_ name: String, _ make: () throws -> TLSConfiguration) throws -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: try make())
        } catch {
            throw Unusable(description: "credentials pki/certificates/\(name) unusable: \(error)")
        }
    }
}
