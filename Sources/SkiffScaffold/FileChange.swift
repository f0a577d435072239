/// One file a scaffolding command writes or removes, relative to the network folder. `old` and
/// `new` are nil where the file does not exist on that side.
public struct FileChange: Sendable, Hashable {
    public var path: String
    public var old: [UInt8]?
    public var new: [UInt8]?
    /// Shown as one line rather than as a diff (the schemas written for editors).
    public var summarized: Bool

    public init(path: String, old: [UInt8]?, new: [UInt8]?, summarized: Bool = false) {
        self.path = path
        self.old = old
        self.new = new
        self.summarized = summarized
    }

    public var verb: String {
        switch (old, new) {
        case (nil, _): "created"
        case (_, nil): "deleted"
        default: "updated"
        }
    }
}
