/// The whole desired network at one commit: every site folder under the network path.
public struct Network: Sendable, Hashable {
    public var sites: [String: DesiredSite]

    public init(sites: [String: DesiredSite] = [:]) {
        self.sites = sites
    }

    public var siteNames: [String] { sites.keys.sorted() }

    public var resourceCount: Int { sites.values.reduce(0) { $0 + $1.resources.count } }

    /// Reads and validates every file; returns the resources that validated and every finding.
    /// Schema errors, YAML errors and whole-network checks are all reported, not only the first.
    public static func load(_ files: [NetworkFile], limits: YAMLLimits = .defaults) -> (Network, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var resourcesBySite: [String: [Resource]] = [:]
        var siteFolders: Set<String> = []
        for file in files.sorted(by: { $0.path < $1.path }) where NetworkFile.isResourceFile(file.path) {
            guard let slash = file.path.firstIndex(of: "/") else {
                diagnostics.append(.error(at: SourceLocation(file: file.path),
                                          "resources belong in a site folder (<site>/\(file.path)), not at the top level"))
                continue
            }
            let site = String(file.path[..<slash])
            siteFolders.insert(site)
            let (documents, yamlDiagnostics) = YAMLDocumentLoader.load(file.bytes, file: file.path, limits: limits)
            diagnostics += yamlDiagnostics
            var validator = SchemaValidator(file: file.path, nodeBudget: limits.maxNodes)
            for document in documents {
                if let resource = ResourceDecoder.decode(document, site: site, validator: &validator) {
                    resourcesBySite[site, default: []].append(resource)
                }
            }
            diagnostics += validator.diagnostics
        }
        var network = Network()
        for folder in siteFolders {
            network.sites[folder] = DesiredSite(name: folder, resources: resourcesBySite[folder] ?? [])
        }
        diagnostics += NetworkChecks.check(network)
        return (network, diagnostics.sortedForDisplay())
    }
}
