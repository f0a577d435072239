import SkiffSupport

/// What a site's grant server serves, as the reconciler computes it from the site's AccessGrants and
/// link access. It travels inside the router configuration, because the grant server lives in the
/// site's long-lived router process.
public struct GrantServerConfig: Codable, Sendable, Hashable {
    /// One AccessGrant.
    public struct Grant: Codable, Sendable, Hashable {
        public var name: String
        public var redemptionsAllowed: Int
        /// Seconds from the moment the grant is first served until it expires.
        public var expirationWindow: Double
        /// The code from git, if one is given there; otherwise the server generates one.
        public var code: String?

        public init(name: String, redemptionsAllowed: Int = 1, expirationWindow: Double = 15 * 60, code: String? = nil) {
            self.name = name
            self.redemptionsAllowed = redemptionsAllowed
            self.expirationWindow = expirationWindow
            self.code = code
        }
    }

    /// Address the HTTPS server binds.
    public var host: String
    public var port: Int
    /// Host other sites use in the token URL (and find in the server certificate).
    public var publicHost: String
    /// Port other sites use in the token URL (differs from `port` behind a port mapping).
    public var publicPort: Int
    public var grants: [Grant]
    /// Where redeeming sites dial: one endpoint per link-access role (`inter-router`, `edge`).
    public var linkEndpoints: [LinkEndpoint]
    /// Wrong codes (and unknown grants) one client address may send per minute before it is refused.
    public var failuresPerMinute: Int
    /// Provided credentials the server serves with, as the router does (nil: `pki/server`).
    public var serverCredentials: String?

    public init(host: String, port: Int, publicHost: String, publicPort: Int? = nil, grants: [Grant],
                linkEndpoints: [LinkEndpoint], failuresPerMinute: Int = 10)
    {
        self.host = host
        self.port = port
        self.publicHost = publicHost
        self.publicPort = publicPort ?? port
        self.grants = grants
        self.linkEndpoints = linkEndpoints
        self.failuresPerMinute = failuresPerMinute
    }

    /// The default grant-server port when the Site's `grant-server` setting names none.
    public static let defaultPort = 8081

    /// The redemption URL of grant `name`.
    public func url(for name: String) -> String {
        "https://\(HostPort.format(publicHost, publicPort))/grants/\(name)"
    }
}

/// Where a redeeming site dials the granting site: Skupper's Link endpoint.
public struct LinkEndpoint: Codable, Sendable, Hashable {
    /// The link-access role: `inter-router` or `edge`.
    public var name: String
    public var host: String
    public var port: Int

    public init(name: String, host: String, port: Int) {
        self.name = name
        self.host = host
        self.port = port
    }
}
