import SkiffRouterAPI
/// The body of a redemption: `POST /grants/<name>` with JSON.
public struct RedemptionRequest: Codable, Sendable, Hashable {
    /// The token's code.
    public var code: String
    /// The redeeming site's name (recorded in its client certificate).
    public var site: String
    /// The name the redeeming site gives the link.
    public var link: String

    public init(code: String, site: String, link: String) {
        self.code = code
        self.site = site
        self.link = link
    }
}

/// What a successful redemption returns: the link to create and its credentials, issued by the
/// granting site's CA. The key travels once, inside TLS 1.3, and is stored only in the redeeming
/// site's state directory.
public struct RedemptionResponse: Codable, Sendable, Hashable {
    /// The granting site.
    public var site: String
    public var endpoints: [LinkEndpoint]
    /// PEM: the granting site's CA, which the link verifies the router against.
    public var ca: String
    /// PEM: the link's client certificate.
    public var certificate: String
    /// PEM: its private key.
    public var key: String

    public init(site: String, endpoints: [LinkEndpoint], ca: String, certificate: String, key: String) {
        self.site = site
        self.endpoints = endpoints
        self.ca = ca
        self.certificate = certificate
        self.key = key
    }
}

/// The body of every refusal.
public struct RedemptionErrorBody: Codable, Sendable, Hashable {
    public var error: RedemptionRefusal
    public var message: String

    public init(error: RedemptionRefusal, message: String) {
        self.error = error
        self.message = message
    }
}
