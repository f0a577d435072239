/// `AccessGrant.spec`: permission for other sites to link here.
public struct AccessGrantSpec: Sendable, Hashable {
    public var redemptionsAllowed: Int
    /// Seconds; the schema guarantees the duration parses.
    public var expirationWindow: Double
    public var code: String?

    public init(_ spec: JSONValue) {
        redemptionsAllowed = spec["redemptionsAllowed"]?.intValue ?? 1
        expirationWindow = spec["expirationWindow"]?.stringValue.flatMap(GoDuration.seconds(parsing:)) ?? 15 * 60
        code = spec["code"]?.stringValue
    }
}
