import SkiffModel

/// What exists at a site, as the planner sees it: each resource's spec by kind and name.
public struct LiveSite: Sendable, Hashable {
    public var resources: [ResourceID: JSONValue]

    public init(resources: [ResourceID: JSONValue] = [:]) {
        self.resources = resources
    }

    public static let empty = LiveSite()

    /// A desired site seen as if it were live: the baseline when comparing two commits.
    public init(_ site: DesiredSite?) {
        self.init(resources: Dictionary((site?.resources ?? []).map { ($0.id, $0.spec) }, uniquingKeysWith: { _, last in last }))
    }
}
