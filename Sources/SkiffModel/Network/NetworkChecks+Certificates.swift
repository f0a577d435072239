/// Checks of a site's Certificates and of the TLS credentials its services name.
extension NetworkChecks {
    /// A Certificate issues something (a CA, or a certificate for a client or a server), signed by
    /// the site CA or by a signing Certificate of the same site.
    static func checkCertificates(_ site: DesiredSite) -> [Diagnostic] {
        let certificates = Dictionary(site.resources(of: .certificate).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return site.resources(of: .certificate).flatMap { certificate -> [Diagnostic] in
            let spec = CertificateSpec(certificate.spec)
            var diagnostics: [Diagnostic] = []
            if !spec.issuesSomething {
                diagnostics.append(.warning(at: certificate.location, path: "spec",
                                            "Certificate \(certificate.name) is neither client, server nor signing: nothing is issued (set one of them)"))
            }
            if spec.signing, let ca = spec.ca, ca != certificate.name {
                diagnostics.append(.warning(at: certificate.location(of: "spec.ca"), path: "spec.ca",
                                            "has no effect here: a signing Certificate is a self-signed CA (as in Skupper), not signed by \(ca)"))
            } else if let ca = spec.ca, let issuer = certificates[ca], !CertificateSpec(issuer.spec).signing {
                diagnostics.append(.error(at: certificate.location(of: "spec.ca"), path: "spec.ca",
                                          "Certificate \(ca) is not a CA (it has no signing: true), so it cannot sign \(certificate.name)"))
            }
            return diagnostics
        }
    }

    /// A service's `tlsCredentials` naming a Certificate of the site must name one fit for its use:
    /// a server certificate for a listener, a client certificate for a connector that presents one.
    /// (Credentials no Certificate names are placed in the state directory by hand; the plan checks them.)
    static func checkServiceTLS(_ site: DesiredSite) -> [Diagnostic] {
        let certificates = Dictionary(site.resources(of: .certificate).map { ($0.name, CertificateSpec($0.spec)) },
                                      uniquingKeysWith: { first, _ in first })
        return site.resources.compactMap { resource -> Diagnostic? in
            if ServiceTLS(resource) == nil, let field = ["useClientCert", "verifyHostname", "requireClientCert"].first(where: { resource.spec[$0]?.boolValue == true }) {
                return .warning(at: resource.location(of: "spec.\(field)"), path: "spec.\(field)", "has no effect here: without spec.tlsCredentials there is no TLS")
            }
            guard let tls = ServiceTLS(resource), let certificate = certificates[tls.credentials] else { return nil }
            let path = "spec.tlsCredentials"
            switch resource.kind {
            case .listener where !certificate.server, .multiKeyListener where !certificate.server:
                return .error(at: resource.location(of: path), path: path,
                              "Certificate \(tls.credentials) is not a server certificate (server: true), so \(resource.kind.rawValue) \(resource.name) cannot serve TLS with it")
            case .connector where tls.clientCertificate && !certificate.client:
                return .error(at: resource.location(of: "spec.useClientCert"), path: "spec.useClientCert",
                              "Certificate \(tls.credentials) is not a client certificate (client: true), so Connector \(resource.name) cannot present it")
            default:
                return nil
            }
        }
    }
}

extension NetworkChecks {
    /// One router serves one certificate: RouterAccess resources agree on it. What they (or the
    /// Site's `defaultIssuer`) name, when a Certificate of the site, is fit for it.
    static func checkServerCredentials(_ site: DesiredSite) -> [Diagnostic] {
        let accesses = site.resources(of: .routerAccess)
        let certificates = Dictionary(site.resources(of: .certificate).map { ($0.name, CertificateSpec($0.spec)) }, uniquingKeysWith: { first, _ in first })
        var diagnostics: [Diagnostic] = []
        if let first = accesses.first {
            for other in accesses.dropFirst() {
                let (a, b) = (RouterAccessSpec(first.spec), RouterAccessSpec(other.spec))
                if a.providedCredentials != b.providedCredentials || a.issuer != b.issuer {
                    diagnostics.append(.error(at: other.location, "RouterAccess \(other.name) and \(first.name) name different server credentials or issuers; one router serves one certificate"))
                }
            }
        }
        for access in accesses {
            let spec = RouterAccessSpec(access.spec)
            if let name = spec.providedCredentials, let certificate = certificates[name] {
                if !certificate.server {
                    diagnostics.append(.error(at: access.location(of: "spec.tlsCredentials"), path: "spec.tlsCredentials",
                                              "Certificate \(name) is not a server certificate (server: true), so the router cannot serve links with it"))
                }
                let missing = spec.subjectAlternativeNames.filter { name in !certificate.hosts.contains { $0.lowercased() == name.lowercased() } }
                if !missing.isEmpty {
                    diagnostics.append(.warning(at: access.location(of: "spec.tlsCredentials"), path: "spec.tlsCredentials",
                                                "Certificate \(name) does not name \(missing.joined(separator: ", ")): sites dialling that will refuse the router's certificate"))
                }
            }
            if let issuer = spec.issuer { diagnostics += issuerProblem(issuer, field: "spec.issuer", at: access, certificates) }
        }
        if let site = site.site, let issuer = SiteSpec(site.spec).defaultIssuer {
            diagnostics += issuerProblem(issuer, field: "spec.defaultIssuer", at: site, certificates)
        }
        return diagnostics
    }

    private static func issuerProblem(_ issuer: String, field: String, at resource: Resource, _ certificates: [String: CertificateSpec]) -> [Diagnostic] {
        guard let certificate = certificates[issuer], !certificate.signing else { return [] }
        return [.error(at: resource.location(of: field), path: field, "Certificate \(issuer) is not a CA (it has no signing: true), so it cannot issue the router's certificate")]
    }
}
