/// `RouterAccess.spec`: where this site accepts links.
public struct RouterAccessSpec: Sendable, Hashable {
    public struct Role: Sendable, Hashable {
        public var name: String
        public var port: Int
    }

    /// Skupper's default ports: `inter-router` 55671, `edge` 45671.
    public static let defaultPorts = ["inter-router": 55671, "edge": 45671]

    public var roles: [Role]
    public var bindHost: String
    public var subjectAlternativeNames: [String]

    public init(_ spec: JSONValue) {
        roles = (spec["roles"]?.arrayValue ?? []).map { role in
            let name = role["name"]?.stringValue ?? "inter-router"
            return Role(name: name, port: role["port"]?.intValue ?? Self.defaultPorts[name] ?? 55671)
        }
        bindHost = spec["bindHost"]?.stringValue ?? "0.0.0.0"
        subjectAlternativeNames = (spec["subjectAlternativeNames"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
