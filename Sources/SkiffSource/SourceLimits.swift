/// Bounds on what reading the desired state may cost.
public struct SourceLimits: Sendable, Hashable {
    /// Largest single resource file. Default 1 MiB.
    public var maxFileBytes: Int
    /// Largest total of all resource files under the path. Default 256 MiB.
    public var maxTotalBytes: Int
    /// Longest a network fetch may take, in seconds. Default 60.
    public var fetchTimeout: Double

    public init(maxFileBytes: Int, maxTotalBytes: Int, fetchTimeout: Double) {
        self.maxFileBytes = maxFileBytes
        self.maxTotalBytes = maxTotalBytes
        self.fetchTimeout = fetchTimeout
    }

    /// 1 MiB per file, 256 MiB in all, 60 s per fetch.
    public static let defaults = SourceLimits(maxFileBytes: 1 << 20, maxTotalBytes: 256 << 20, fetchTimeout: 60)
}
