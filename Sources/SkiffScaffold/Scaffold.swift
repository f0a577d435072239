import SkiffModel

/// Plans the file changes of a scaffolding command over a network folder's files, as the work tree
/// holds them now. Pure: reads nothing, writes nothing. Every plan is checked whole (it must not
/// add a validation error) before anything is written.
public struct Scaffold: Sendable {
    /// The resource files under the network folder, by path relative to it (`west/site.yaml`).
    public var files: [String: [UInt8]]
    /// The network folder as the user named it (`--path`), for messages.
    public var networkPath: String
    /// Where written files point editors for schemas: a URL or a folder relative to the network
    /// folder (`.skiff/schemas`, the default, where `SchemaFiles` puts them); nil writes no such line.
    public var schemaBase: String?

    public static let defaultSchemaFolder = ".skiff/schemas"

    public init(files: [String: [UInt8]], networkPath: String = ".", schemaBase: String? = Scaffold.defaultSchemaFolder) {
        self.files = files
        self.networkPath = networkPath
        self.schemaBase = schemaBase
    }

    /// The file a new resource of `id` goes to: `west/site.yaml`, `west/listener-backend.yaml`.
    public static func path(for id: ResourceID, site: String) -> String {
        let stem: String = switch id.kind {
        case .site: "site"
        case .listener: "listener-\(id.name)"
        case .multiKeyListener: "multikeylistener-\(id.name)"
        case .connector: "connector-\(id.name)"
        case .link: "link-\(id.name)"
        case .accessGrant: "grant-\(id.name)"
        case .accessToken: "token-\(id.name)"
        case .routerAccess: "router-access-\(id.name)"
        case .certificate: "certificate-\(id.name)"
        }
        return "\(site)/\(stem).yaml"
    }

    // MARK: create

    /// Writes `drafts` into `site`'s folder. A resource that exists is refused unless `force`;
    /// with it, the resource is replaced where it stands (its file, when it is alone there).
    public func create(_ drafts: [ResourceDraft], site: String, force: Bool) throws -> [FileChange] {
        let (network, before) = Network.load(networkFiles(files))
        let desired = network.sites[site]
        if !drafts.contains(where: { $0.kind == .site }), desired?.site == nil {
            throw ScaffoldError.noSite(site, networkPath: networkPath)
        }
        var after = files
        for draft in drafts {
            let path = Self.path(for: draft.id, site: site)
            let yaml = try draft.yaml(schemaLocation: schemaLocation(for: draft.kind, from: path))
            if let existing = desired?.resources.first(where: { $0.id == draft.id }) {
                guard force else { throw ScaffoldError.exists(draft.id, site: site, at: existing.location) }
                let spans = DocumentSpans(text(after[existing.location.file]))
                if spans.spans.count == 1 {
                    after[existing.location.file] = Array(yaml.utf8)  // alone in its file: replaced in place
                    continue
                }
                after[existing.location.file] = try cut(existing, from: after)
            }
            if let taken = after[path] {
                throw ScaffoldError.fileTaken(path: path, holding: holding(taken, path: path))
            }
            after[path] = Array(yaml.utf8)
        }
        return try checked(from: files, to: after, before: before)
    }

    // MARK: delete

    /// Removes `id` from `site`: its document, or its file when it is alone there.
    public func delete(_ id: ResourceID, site: String) throws -> [FileChange] {
        let (network, before) = Network.load(networkFiles(files))
        guard network.sites[site] != nil || id.kind == .site else { throw ScaffoldError.noSite(site, networkPath: networkPath) }
        guard let existing = network.sites[site]?.resources.first(where: { $0.id == id }) else {
            throw ScaffoldError.notFound(id, site: site)
        }
        var after = files
        after[existing.location.file] = try cut(existing, from: after)
        return try checked(from: files, to: after, before: before)
    }

    /// Removes every Skupper resource of `site` (the whole site: its folder's network documents).
    /// Other manifests in the folder (a Deployment) are the user's and stay.
    public func deleteSite(_ site: String) throws -> [FileChange] {
        let (network, _) = Network.load(networkFiles(files))
        guard network.sites[site] != nil else { throw ScaffoldError.noSite(site, networkPath: networkPath) }
        var after = files
        for (path, bytes) in files where path.hasPrefix(site + "/") {
            // The site's public CA goes with it: nothing may trust it any more.
            if SiteTrust.isSiteCA(path) {
                after[path] = nil
                continue
            }
            let spans = DocumentSpans(text(bytes))
            let skupper = Set(spans.spans.indices.filter { Self.isSkupperDocument(spans.text(of: $0), path: path) })
            guard !skupper.isEmpty else { continue }
            let kept = spans.removing(skupper)
            try verifyCut(path: path, before: bytes, after: kept, removed: skupper.count)
            after[path] = kept.map { Array($0.utf8) }
        }
        // Nothing of the site is left to validate against; its removal cannot break another site's
        // files, but a Link elsewhere may still name it, which `skiff validate` reports in review.
        return changes(from: files, to: after)
    }

    // MARK: pieces

    private func cut(_ resource: Resource, from files: [String: [UInt8]]) throws -> [UInt8]? {
        let path = resource.location.file
        let bytes = files[path] ?? []
        let spans = DocumentSpans(text(bytes))
        guard let index = spans.span(containing: resource.location.line) else { throw ScaffoldError.documentBounds(path: path) }
        let kept = spans.removing([index])
        try verifyCut(path: path, before: bytes, after: kept, removed: 1)
        return kept.map { Array($0.utf8) }
    }

    /// The cut left exactly the other documents (the line-based split agreed with the parser).
    private func verifyCut(path: String, before: [UInt8], after: String?, removed: Int) throws {
        let count = YAMLDocumentLoader.load(before, file: path).documents.count
        let left = after.map { YAMLDocumentLoader.load(Array($0.utf8), file: path).documents.count } ?? 0
        guard left == count - removed, DocumentSpans(text(before)).spans.count == count else {
            throw ScaffoldError.documentBounds(path: path)
        }
    }

    /// Refuses a change that adds a validation error; returns the changed files.
    private func checked(from old: [String: [UInt8]], to new: [String: [UInt8]], before: [Diagnostic]) throws -> [FileChange] {
        let known = Set(before.errors.map(\.description))
        let (_, after) = Network.load(networkFiles(new))
        let added = after.errors.map(\.description).filter { !known.contains($0) }
        guard added.isEmpty else { throw ScaffoldError.wouldNotValidate(added) }
        return changes(from: old, to: new)
    }

    /// Files absent from `new` were deleted.
    private func changes(from old: [String: [UInt8]], to new: [String: [UInt8]]) -> [FileChange] {
        Set(old.keys).union(new.keys).sorted().compactMap { path in
            guard old[path] != new[path] else { return nil }
            return FileChange(path: path, old: old[path], new: new[path])
        }
    }

    private func schemaLocation(for kind: ResourceKind, from path: String) -> String? {
        guard let schemaBase else { return nil }
        if schemaBase.contains("://") { return "\(schemaBase.hasSuffix("/") ? String(schemaBase.dropLast()) : schemaBase)/\(kind.schemaFileName)" }
        let depth = path.split(separator: "/").count - 1
        return String(repeating: "../", count: depth) + "\(schemaBase)/\(kind.schemaFileName)"
    }

    private func holding(_ bytes: [UInt8], path: String) -> String {
        let (network, _) = Network.load([NetworkFile(path: path, bytes: bytes)])
        let ids = network.sites.values.flatMap(\.resources).map(\.id.description)
        return ids.isEmpty ? "other content" : ids.joined(separator: ", ")
    }

    private static func isSkupperDocument(_ text: String, path: String) -> Bool {
        guard let document = YAMLDocumentLoader.load(Array(text.utf8), file: path).documents.first,
              case .mapping(let mapping) = document.node, let version = mapping["apiVersion"]?.string else { return false }
        return version.hasPrefix("skupper.io/")
    }

    private func text(_ bytes: [UInt8]?) -> String { String(decoding: bytes ?? [], as: UTF8.self) }

    private func networkFiles(_ files: [String: [UInt8]]) -> [NetworkFile] {
        files.map { NetworkFile(path: $0.key, bytes: $0.value) }
    }
}
