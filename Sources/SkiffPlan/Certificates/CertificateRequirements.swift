import Foundation
import SkiffModel
import SkiffPKI

/// The certificates a site's desired state calls for. Every site has a CA; a site that offers link
/// access (a RouterAccess, or `linkAccess` other than none) also needs a server certificate whose
/// names are the ones other sites dial.
public struct CertificateRequirements: Sendable, Hashable {
    public var site: String
    public var caAlgorithm: KeyAlgorithm
    /// Nil when the site offers no link access.
    public var serverHosts: [String]?
    /// Where the router's server certificate comes from: generated (by which CA), or provided.
    public var serverCredentials: ServerCredentials
    public var serverValidity: TimeInterval
    /// This machine's name, as the requirements were computed with it (the grant server's public
    /// host falls back to it too, and must match the certificate).
    public var hostname: String

    /// Site settings that tune the PKI (all optional):
    /// `ca-key-algorithm` (ecdsa-p256, rsa-2048, rsa-3072) and `server-certificate-validity` (a duration, default 8760h).
    public static let algorithmSetting = "ca-key-algorithm"
    public static let validitySetting = "server-certificate-validity"

    /// Reads the requirements; bad settings are reported and replaced by defaults.
    /// `hostname` (this machine's name) is added to the server names, as other sites may dial it.
    public init(site: DesiredSite, hostname: String) {
        self.site = site.name
        self.hostname = hostname
        let settings = site.siteSpec.settings
        caAlgorithm = settings[Self.algorithmSetting].flatMap(KeyAlgorithm.init(rawValue:)) ?? .ecdsaP256
        serverValidity = settings[Self.validitySetting].flatMap(GoDuration.seconds(parsing:)) ?? CertificateProfile.defaultServerValidity
        serverCredentials = site.serverCredentials
        let accesses = site.resources(of: .routerAccess).map { RouterAccessSpec($0.spec) }
        // The grant server serves with the router's server certificate, under the host tokens name.
        let grantHost = GrantServerPlanning.publicHost(site, hostname: hostname)
        guard !accesses.isEmpty || site.siteSpec.offersLinkAccess || grantHost != nil else {
            serverHosts = nil
            return
        }
        var hosts = accesses.flatMap(\.subjectAlternativeNames) + (grantHost.map { [$0] } ?? [])
        hosts += accesses.map(\.bindHost).filter { !Self.isWildcard($0) }
        hosts.append(hostname)
        var seen: Set<String> = []
        serverHosts = hosts.filter { seen.insert($0.lowercased()).inserted }
    }

    /// An address that binds every interface, which no peer can dial.
    static func isWildcard(_ host: String) -> Bool { ["", "0.0.0.0", "::"].contains(host) }

    /// Settings whose values Skiff cannot use, as diagnostics at the Site resource.
    public static func settingProblems(_ site: DesiredSite) -> [Diagnostic] {
        guard let resource = site.site else { return [] }
        let settings = site.siteSpec.settings
        var problems: [Diagnostic] = []
        if let value = settings[algorithmSetting], KeyAlgorithm(rawValue: value) == nil {
            problems.append(.error(at: resource.location(of: "spec.settings.\(algorithmSetting)"), path: "spec.settings.\(algorithmSetting)",
                                   "expected one of: \(KeyAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(value)\""))
        }
        if let value = settings[validitySetting], (GoDuration.seconds(parsing: value) ?? 0) < 60 {
            problems.append(.error(at: resource.location(of: "spec.settings.\(validitySetting)"), path: "spec.settings.\(validitySetting)",
                                   "expected a duration of at least 1m such as 8760h, got \"\(value)\""))
        }
        return problems
    }
}
