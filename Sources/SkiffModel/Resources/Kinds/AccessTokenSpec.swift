/// `AccessToken.spec`: a token to redeem for link credentials.
public struct AccessTokenSpec: Sendable, Hashable {
    public var url: String
    public var code: String
    public var ca: String
    public var linkCost: Int

    public init(_ spec: JSONValue) {
        url = spec["url"]?.stringValue ?? ""
        code = spec["code"]?.stringValue ?? ""
        ca = spec["ca"]?.stringValue ?? ""
        linkCost = spec["linkCost"]?.intValue ?? 1
    }

    /// Host and port of the grant server named by `url`, if the URL has them.
    public var grantServer: (host: String, port: Int)? {
        guard let rest = url.split(separator: "://", maxSplits: 1).last,
              let authority = rest.split(separator: "/", maxSplits: 1).first
        else { return nil }
        let parts = authority.split(separator: ":")
        guard let host = parts.first else { return nil }
        return (String(host), parts.count > 1 ? Int(parts[1]) ?? 443 : 443)
    }
}
