/// Bounds on what one YAML file may cost to read. Yams has no limits of its own, so a small hostile
/// file ("billion laughs", thousands of nested brackets) could otherwise take the process down.
public struct YAMLLimits: Sendable, Hashable {
    /// Largest file read, in bytes. Default 1 MiB.
    public var maxFileBytes: Int
    /// Deepest nesting of mappings and lists. Default 64.
    public var maxDepth: Int
    /// Most alias references (`*name`) in one file. Default 32.
    public var maxAliases: Int
    /// Most nodes visited in one file, counting every alias expansion. Default 200,000.
    public var maxNodes: Int

    public init(maxFileBytes: Int, maxDepth: Int, maxAliases: Int, maxNodes: Int) {
        self.maxFileBytes = maxFileBytes
        self.maxDepth = maxDepth
        self.maxAliases = maxAliases
        self.maxNodes = maxNodes
    }

    /// 1 MiB per file, depth 64, 32 aliases, 200,000 nodes.
    public static let defaults = YAMLLimits(maxFileBytes: 1 << 20, maxDepth: 64, maxAliases: 32, maxNodes: 200_000)
}
