/// One resource file read from the source: its path relative to the network path, and its bytes.
public struct SourceFile: Sendable, Hashable {
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    /// Whether a file name is one Skiff reads: resources (`.yaml`, `.yml`) and a site's public CA
    /// (`ca.crt`, see `SiteTrust`); others are ignored, unread.
    public static func isRead(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name == "ca.crt"
    }
}

/// Something under the path that was seen but deliberately not read: a symlink, a submodule, an
/// oversized file. Reported so that a user knows their desired state is incomplete.
public struct SourceProblem: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
