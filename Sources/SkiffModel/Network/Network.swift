import Dispatch

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
    /// Files are independent until the whole-network checks, so they are read on every core.
    /// With `cache`, each document is read once per distinct text and path across every load
    /// that shares it (`DocumentCache`).
    public static func load(_ files: [NetworkFile], limits: YAMLLimits = .defaults, cache: DocumentCache? = nil) -> (Network, [Diagnostic]) {
        let resourceFiles = files.filter { NetworkFile.isResourceFile($0.path) }.sorted { $0.path < $1.path }
        let results = ParallelResults<FileResult>(count: resourceFiles.count)
        DispatchQueue.concurrentPerform(iterations: resourceFiles.count) { index in
            results[index] = loadFile(resourceFiles[index], limits: limits, cache: cache)
        }
        var diagnostics: [Diagnostic] = []
        var resourcesBySite: [String: [Resource]] = [:]
        var invalidSites: Set<String> = []
        var secretsBySite: [String: [CredentialSecret]] = [:]
        for result in results.values {
            diagnostics += result.diagnostics
            // A folder that holds no Skupper document at all (application manifests only) is not a site.
            if let site = result.site, result.skupperDocuments > 0 { resourcesBySite[site, default: []] += result.resources }
            if let site = result.site { secretsBySite[site, default: []] += result.secrets }
            if let site = result.site, result.invalidSite { invalidSites.insert(site) }
        }
        var network = Network()
        let (folders, bySite, invalid, secrets) = (Array(resourcesBySite.keys), resourcesBySite, invalidSites, secretsBySite)
        let built = ParallelResults<DesiredSite>(count: folders.count)
        DispatchQueue.concurrentPerform(iterations: folders.count) { index in
            var site = DesiredSite(name: folders[index], resources: bySite[folders[index]]!)
            site.hasInvalidSite = invalid.contains(folders[index])
            site.secrets = secrets[folders[index]] ?? []
            built[index] = site
        }
        for site in built.values { network.sites[site.name] = site }
        diagnostics += readPublicCAs(files, into: &network)
        diagnostics += SiteTrustResolver.resolve(&network)
        diagnostics += NetworkChecks.check(network)
        return (network, diagnostics.sortedForDisplay())
    }

    /// Each site's `<site>/ca.crt`: PEM text holding one certificate, no key, at most 16 KiB.
    /// (Whether it is a CA that can sign is checked where certificates are read: `skiff plan --site`.)
    private static func readPublicCAs(_ files: [NetworkFile], into network: inout Network) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for file in files where SiteTrust.isSiteCA(file.path) {
            let site = String(file.path.prefix { $0 != "/" })
            guard network.sites[site] != nil else { continue }  // not a site folder: not read
            let location = SourceLocation(file: file.path)
            guard file.bytes.count <= SiteTrust.maxCABytes else {
                diagnostics.append(.error(at: location, "\(file.bytes.count) bytes; a site's public CA certificate is at most \(SiteTrust.maxCABytes)"))
                continue
            }
            guard let text = String(validating: file.bytes, as: UTF8.self) else {
                diagnostics.append(.error(at: location, "not PEM text (commit the output of skiff site ca --site \(site))"))
                continue
            }
            if text.contains("PRIVATE KEY") {
                diagnostics.append(.error(at: location, "KEY MATERIAL IN GIT: this file holds a private key; \(SiteTrust.caFileName) is the site's public CA certificate only (skiff site ca --site \(site)) — remove the key from git and rotate the CA (skiff revoke-access)"))
                continue
            }
            let count = text.components(separatedBy: "-----BEGIN CERTIFICATE-----").count - 1
            guard count == 1 else {
                diagnostics.append(.error(at: location, count == 0 ? "holds no PEM certificate (commit the output of skiff site ca --site \(site))"
                                          : "holds \(count) certificates; a site's public CA is exactly one"))
                continue
            }
            network.sites[site]?.publicCA = PublicCA(site: site, pem: text, location: location)
        }
        return diagnostics
    }

    /// Reads and validates one file on its own, as if it sat in `site`'s folder (a token or a link
    /// handed over by hand); diagnostics name `file.path` as given.
    public static func loadStandalone(_ file: NetworkFile, site: String, limits: YAMLLimits = .defaults)
        -> (resources: [Resource], secrets: [CredentialSecret], diagnostics: [Diagnostic])
    {
        let (documents, yamlDiagnostics) = YAMLDocumentLoader.load(file.bytes, file: file.path, limits: limits)
        var validator = SchemaValidator(file: file.path, nodeBudget: limits.maxNodes)
        var resources: [Resource] = []
        var secrets: [CredentialSecret] = []
        for document in documents {
            switch ResourceDecoder.decode(document, site: site, validator: &validator) {
            case .resource(let resource): resources.append(resource)
            case .secret(let secret): secrets.append(secret)
            case .invalid, .skipped: break
            }
        }
        return (resources, secrets, (yamlDiagnostics + validator.diagnostics).sortedForDisplay())
    }

    private struct FileResult: Sendable {
        var site: String?
        var resources: [Resource] = []
        var secrets: [CredentialSecret] = []
        var diagnostics: [Diagnostic] = []
        /// Documents that are Skupper resources, valid or not (a file that does not parse counts).
        var skupperDocuments = 0
        /// A Site document was there but did not validate (its errors say why; "no Site" would mislead).
        var invalidSite = false

        mutating func add(_ decoded: ResourceDecoder.Decoded) {
            switch decoded {
            case .resource(let resource):
                resources.append(resource)
                skupperDocuments += 1
            case .invalid(let kind):
                skupperDocuments += 1
                if kind == .site { invalidSite = true }
            case .secret(let secret):
                secrets.append(secret)
            case .skipped:
                break
            }
        }
    }

    private static func loadFile(_ file: NetworkFile, limits: YAMLLimits, cache: DocumentCache?) -> FileResult {
        guard let slash = file.path.firstIndex(of: "/") else {
            return FileResult(diagnostics: [.error(at: SourceLocation(file: file.path),
                                                   "resources belong in a site folder (<site>/\(file.path)), not at the top level")])
        }
        let site = String(file.path[..<slash])
        if let cache, let result = loadByDocument(file, site: site, limits: limits, cache: cache) { return result }
        let (documents, yamlDiagnostics) = YAMLDocumentLoader.load(file.bytes, file: file.path, limits: limits)
        var validator = SchemaValidator(file: file.path, nodeBudget: limits.maxNodes)
        var result = FileResult(site: site)
        // YAML that does not parse may be anything: the folder counts as a site, so its errors block it.
        result.skupperDocuments = yamlDiagnostics.errors.isEmpty ? 0 : 1
        for document in documents {
            result.add(ResourceDecoder.decode(document, site: site, validator: &validator))
        }
        result.diagnostics = yamlDiagnostics + validator.diagnostics
        return result
    }

    /// A file read document by document through `cache`. Nil when it must be read whole — a YAML
    /// error anywhere, a directive, a node budget spent — so that every finding about a bad file
    /// is exactly the one reading it whole gives.
    private static func loadByDocument(_ file: NetworkFile, site: String, limits: YAMLLimits, cache: DocumentCache) -> FileResult? {
        let bytes = file.bytes
        guard bytes.count <= limits.maxFileBytes, String(validating: bytes, as: UTF8.self) != nil,
              YAMLPrescan.check(bytes, limits: limits) == nil, let chunks = YAMLDocumentSplit.chunks(bytes)
        else { return nil }
        var result = FileResult(site: site)
        var nodes = 0
        for chunk in chunks {
            let text = Array(bytes[chunk.range])
            let entry = cache.entry(DocumentCache.Key(path: file.path, text: text)) {
                readDocument(text, path: file.path, site: site, lineOffset: chunk.lineOffset)
            }
            guard let entry else { return nil }
            nodes += entry.nodes
            // Most documents stand where they stood when first read: nothing to move.
            let moved = chunk.lineOffset - entry.lineOffset
            entry.decoded.forEach { result.add(moved == 0 ? $0 : $0.shiftingLines(by: moved)) }
            result.diagnostics += moved == 0 ? entry.diagnostics : entry.diagnostics.map { $0.shiftingLines(by: moved) }
        }
        return nodes <= limits.maxNodes ? result : nil
    }

    /// One chunk of a file (a document, with the comments around it), `lineOffset` lines into it,
    /// read and validated alone. The whole file passed the limits' checks already.
    private static func readDocument(_ text: [UInt8], path: String, site: String, lineOffset: Int) -> DocumentCache.Entry? {
        guard let (documents, error) = YAMLDocumentLoader.compose(text, file: path), error == nil else { return nil }
        var validator = SchemaValidator(file: path, nodeBudget: YAMLLimits.defaults.maxNodes)
        let decoded = documents.map { ResourceDecoder.decode($0, site: site, validator: &validator).shiftingLines(by: lineOffset) }
        guard !validator.exhausted else { return nil }
        return DocumentCache.Entry(decoded: decoded, diagnostics: validator.diagnostics.map { $0.shiftingLines(by: lineOffset) },
                                   nodes: validator.nodesVisited, lineOffset: lineOffset)
    }
}
