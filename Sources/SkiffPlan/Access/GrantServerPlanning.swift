import SkiffModel
import SkiffRouterAPI
import SkiffSupport

/// The grant server a site's desired state calls for: one when the site has an AccessGrant.
///
/// Site settings (all optional):
/// * `grant-server`: `HOST:PORT` the HTTPS server binds; default the RouterAccess `bindHost` (or
///   `0.0.0.0`) and port 8081.
/// * `grant-server-host`: the host other sites dial, written into tokens and added to the server
///   certificate; default the first RouterAccess subject alternative name, else the bind host unless
///   it is a wildcard, else this machine's hostname. Link endpoints in redemptions use it too.
public enum GrantServerPlanning {
    public static let addressSetting = "grant-server"
    public static let hostSetting = "grant-server-host"

    public static func config(for site: DesiredSite, linkAccess: [RouterConfig.LinkAccess], hostname: String) -> GrantServerConfig? {
        let grants = site.resources(of: .accessGrant).map { resource in
            let spec = AccessGrantSpec(resource.spec)
            return GrantServerConfig.Grant(name: resource.name, redemptionsAllowed: spec.redemptionsAllowed,
                                           expirationWindow: spec.expirationWindow, code: spec.code)
        }
        guard !grants.isEmpty else { return nil }
        let bind = address(site) ?? (host: defaultBindHost(site), port: GrantServerConfig.defaultPort)
        let host = publicHost(site, bindHost: bind.host, hostname: hostname)
        return GrantServerConfig(host: bind.host, port: bind.port, publicHost: host, grants: grants.sorted { $0.name < $1.name },
                                 linkEndpoints: linkAccess.map { LinkEndpoint(name: $0.role, host: host, port: $0.port) })
    }

    /// The host tokens name, which the server certificate must carry.
    public static func publicHost(_ site: DesiredSite, hostname: String) -> String? {
        guard !site.resources(of: .accessGrant).isEmpty else { return nil }
        return publicHost(site, bindHost: address(site)?.host ?? defaultBindHost(site), hostname: hostname)
    }

    package static func publicHost(_ site: DesiredSite, bindHost: String, hostname: String) -> String {
        if let host = site.siteSpec.settings[hostSetting], !host.isEmpty { return host }
        if let name = site.resources(of: .routerAccess).lazy.flatMap({ RouterAccessSpec($0.spec).subjectAlternativeNames }).first {
            return name
        }
        return CertificateRequirements.isWildcard(bindHost) ? hostname : bindHost
    }

    package static func defaultBindHost(_ site: DesiredSite) -> String {
        site.resources(of: .routerAccess).map { RouterAccessSpec($0.spec).bindHost }.first { !$0.isEmpty } ?? "0.0.0.0"
    }

    /// The `grant-server` setting, when set and well formed.
    static func address(_ site: DesiredSite) -> (host: String, port: Int)? {
        site.siteSpec.settings[addressSetting].flatMap(parse)
    }

    /// `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all addresses).
    static func parse(_ text: String) -> (host: String, port: Int)? {
        HostPort.parse(text).map { ($0.host.isEmpty ? "0.0.0.0" : $0.host, $0.port) }
    }

    /// A `grant-server` setting Skiff cannot use, as a diagnostic at the Site.
    public static func settingProblems(_ site: DesiredSite) -> [Diagnostic] {
        guard let resource = site.site, let value = site.siteSpec.settings[addressSetting], parse(value) == nil else { return [] }
        let path = "spec.settings.\(addressSetting)"
        return [.error(at: resource.location(of: path), path: path, "expected HOST:PORT such as 0.0.0.0:8081, got \"\(value)\"")]
    }
}
