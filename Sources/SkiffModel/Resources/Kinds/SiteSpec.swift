/// `Site.spec`: the site itself.
public struct SiteSpec: Sendable, Hashable {
    public var linkAccess: String?
    public var edge: Bool
    public var settings: [String: String]

    public init(_ spec: JSONValue) {
        linkAccess = spec["linkAccess"]?.stringValue
        edge = spec["edge"]?.boolValue ?? false
        settings = spec["settings"]?.stringMap ?? [:]
    }

    /// Whether other sites may link here: any `linkAccess` but empty or `none`.
    public var offersLinkAccess: Bool {
        guard let linkAccess, !linkAccess.isEmpty else { return false }
        return linkAccess != "none"
    }
}
