/// One validated resource of the desired state: its kind, name, site and document, with schema
/// defaults filled in. Typed views (`Listener`, `Link`, …) read from `spec`.
public struct Resource: Sendable, Hashable {
    public var kind: ResourceKind
    public var name: String
    /// The site folder it was found in.
    public var site: String
    public var location: SourceLocation
    /// `metadata.labels` and `metadata.annotations` are kept; other metadata is not part of the desired state.
    public var labels: [String: String]
    public var annotations: [String: String]
    public var spec: JSONValue
    /// Where each field was written (`spec.port` → line and column), for precise messages.
    public var fieldLocations: [String: SourceLocation]

    public init(kind: ResourceKind, name: String, site: String, location: SourceLocation,
                labels: [String: String] = [:], annotations: [String: String] = [:], spec: JSONValue = .object([:]),
                fieldLocations: [String: SourceLocation] = [:])
    {
        self.fieldLocations = fieldLocations
        self.kind = kind
        self.name = name
        self.site = site
        self.location = location
        self.labels = labels
        self.annotations = annotations
        self.spec = spec
    }

    /// Where `path` (`spec.port`) was written, else where the resource starts.
    public func location(of path: String) -> SourceLocation {
        fieldLocations[path] ?? location
    }

    /// The annotations planned like spec fields (`SiteTrust.plannedAnnotations`).
    public var plannedAnnotations: [String: String] {
        annotations.filter { SiteTrust.plannedAnnotations.contains($0.key) }
    }

    /// Identity within a site: kind and name.
    public var id: ResourceID { ResourceID(kind: kind, name: name) }
}

/// Kind and name: what identifies a resource within one site.
public struct ResourceID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var kind: ResourceKind
    public var name: String

    public init(kind: ResourceKind, name: String) {
        self.kind = kind
        self.name = name
    }

    public static func < (lhs: ResourceID, rhs: ResourceID) -> Bool {
        (lhs.kind.order, lhs.name) < (rhs.kind.order, rhs.name)
    }

    /// `Listener/backend`.
    public var description: String { "\(kind.rawValue)/\(name)" }
}
