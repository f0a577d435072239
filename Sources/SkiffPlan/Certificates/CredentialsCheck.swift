import Foundation
import SkiffModel
import SkiffPKI

/// Whether the credentials a site names can be used: a Certificate of the site issues them, or they
/// are in `pki/certificates/NAME` with the files their use reads. A service or link access without
/// them is a warning, not a blocked site: the router reports it and the rest applies. A CA that
/// must issue the router's certificate and is nowhere is an error: nothing can be issued.
public enum CredentialsCheck {
    public static func problems(site: DesiredSite, credentials: [String: IssuedCredentials]) -> [Diagnostic] {
        let certificates = Set(site.resources(of: .certificate).map(\.name))
        func missing(_ name: String, _ files: [String]) -> [String]? {
            guard !certificates.contains(name) else { return nil }
            let folder = credentials[name]?.report.folder
            let absent = files.filter { file in folder.map { !FileManager.default.fileExists(atPath: $0 + "/" + file) } ?? true }
            return absent.isEmpty ? nil : absent
        }
        var problems: [Diagnostic] = site.resources.compactMap { resource -> Diagnostic? in
            guard let tls = ServiceTLS(resource), let absent = missing(tls.credentials, tls.files(for: resource.kind)) else { return nil }
            return .warning(at: resource.location(of: "spec.tlsCredentials"), path: "spec.tlsCredentials",
                            "\(tls.credentials) is not a Certificate in \(site.name)/ and pki/certificates/\(tls.credentials) lacks \(absent.joined(separator: ", ")): "
                                + "\(resource.kind.rawValue) \(resource.name) cannot speak TLS until they are there (commit a Certificate, or place them there)")
        }
        guard let access = site.resources(of: .routerAccess).first else { return problems }
        switch site.serverCredentials {
        case .provided(let name):
            if let absent = missing(name, ["tls.crt", "tls.key", "ca.crt"]) {
                problems.append(.warning(at: access.location(of: "spec.tlsCredentials"), path: "spec.tlsCredentials",
                                         "\(name) is not a Certificate in \(site.name)/ and pki/certificates/\(name) lacks \(absent.joined(separator: ", ")): "
                                             + "the router cannot accept links until they are there"))
            }
        case .generated(let issuer?):
            if missing(issuer, ["tls.crt", "tls.key"]) != nil {
                let field = RouterAccessSpec(access.spec).issuer != nil ? "spec.issuer" : "spec.defaultIssuer"
                let resource = field == "spec.issuer" ? access : site.site ?? access
                problems.append(.error(at: resource.location(of: field), path: field,
                                       "\(issuer) is neither a signing Certificate in \(site.name)/ nor CA credentials in pki/certificates/\(issuer) (tls.crt, tls.key): nothing can issue the router's certificate"))
            }
        case .generated(nil):
            break
        }
        return problems
    }
}
