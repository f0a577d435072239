import SkiffAccess
import SkiffModel
import SkiffPKI
import SkiffRouterAPI

/// What exists at a site, as the planner sees it: each resource's spec by kind and name, and the
/// site's certificates as found on disk.
public struct LiveSite: Sendable, Hashable {
    public var resources: [ResourceID: JSONValue]
    /// Each resource's planned annotations (`Resource.plannedAnnotations`), when it has any.
    public var annotations: [ResourceID: [String: String]] = [:]
    /// Nil when certificates are not part of the comparison (two commits compared in CI).
    public var certificates: [CertificateRole: CredentialReport]?
    /// The trust bundle against what it must hold; nil in CI, or when the site has no CA yet.
    public var trust: TrustBundleReport?
    /// Nil when the router is not part of the comparison (two commits compared in CI).
    public var router: RouterLive?
    /// What became of the site's tokens; nil when tokens are not part of the comparison (CI).
    public var tokens: TokenLedger?
    /// Digests of the link credentials on disk (`pki/links/<name>/`); nil when they are not part of
    /// the comparison (CI).
    public var linkCredentials: [String: String]?
    /// The link folders on disk checked as links trusted through git (against this site's CA), by
    /// name; nil when they are not part of the comparison (CI).
    public var trustedLinks: [String: TrustedLinkReport]?
    /// What is in `pki/certificates/` (the credentials of Certificate resources, and those placed
    /// by hand); nil when they are not part of the comparison (CI).
    public var credentials: [String: IssuedCredentials]?

    public init(resources: [ResourceID: JSONValue] = [:], certificates: [CertificateRole: CredentialReport]? = nil) {
        self.resources = resources
        self.certificates = certificates
    }

    public static let empty = LiveSite()

    /// A desired site seen as if it were live: the baseline when comparing two commits.
    public init(_ site: DesiredSite?) {
        self.init(resources: Dictionary((site?.resources ?? []).map { ($0.id, $0.spec) }, uniquingKeysWith: { _, last in last }))
        annotations = Dictionary((site?.resources ?? []).filter { !$0.plannedAnnotations.isEmpty }.map { ($0.id, $0.plannedAnnotations) },
                                 uniquingKeysWith: { _, last in last })
    }
}
