/// One file of the desired network as read from a repository or folder.
public struct NetworkFile: Sendable, Hashable {
    /// Path relative to the network root (`west/site.yaml`), always with `/`.
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    /// Whether Skiff reads this file as resources (`.yaml` or `.yml`).
    public static func isResourceFile(_ path: String) -> Bool {
        path.hasSuffix(".yaml") || path.hasSuffix(".yml")
    }
}
