import Foundation
import SkiffModel
import SkiffPKI

/// Whether each service's `tlsCredentials` can be served: a Certificate of the site issues them,
/// or they are in `pki/certificates/NAME` with the files the service reads. A service without them
/// is a warning, not a blocked site: the router reports it as an error and the rest applies.
public enum ServiceTLSCheck {
    public static func problems(site: DesiredSite, credentials: [String: IssuedCredentials]) -> [Diagnostic] {
        let certificates = Set(site.resources(of: .certificate).map(\.name))
        return site.resources.compactMap { resource -> Diagnostic? in
            guard let tls = ServiceTLS(resource), !certificates.contains(tls.credentials) else { return nil }
            let folder = "pki/certificates/\(tls.credentials)"
            let needed = tls.files(for: resource.kind)
            let missing = needed.filter { !FileManager.default.fileExists(atPath: (credentials[tls.credentials]?.report.folder ?? "/nonexistent") + "/" + $0) }
            guard !missing.isEmpty else { return nil }
            return .warning(at: resource.location(of: "spec.tlsCredentials"), path: "spec.tlsCredentials",
                            "\(tls.credentials) is not a Certificate in \(site.name)/ and \(folder) lacks \(missing.joined(separator: ", ")): "
                                + "\(resource.kind.rawValue) \(resource.name) cannot speak TLS until they are there (commit a Certificate, or place them there)")
        }
    }
}
