import SkiffModel
import SkiffSource

/// The desired network at one revision: what was read, what it means, and every finding.
public struct DesiredState: Sendable {
    public var snapshot: Snapshot
    public var network: Network
    /// Source problems (symlinks, submodules, oversized files), YAML and schema errors, network checks.
    public var diagnostics: [Diagnostic]

    /// Reads `request` and validates it. Throws only when nothing could be read at all
    /// (no repository, no revision, no path); everything else is a diagnostic. Reads that share a
    /// `cache` read each document once per distinct text (`DocumentCache`).
    public static func read(_ request: SourceRequest, yamlLimits: YAMLLimits = .defaults, cache: DocumentCache? = nil) throws -> DesiredState {
        let snapshot = try NetworkSource.read(request)
        let files = snapshot.files.map { NetworkFile(path: $0.path, bytes: $0.bytes) }
        let (network, diagnostics) = Network.load(files, limits: yamlLimits, cache: cache)
        let problems = snapshot.problems.map { Diagnostic.error(at: SourceLocation(file: $0.path), $0.message) }
        return DesiredState(snapshot: snapshot, network: network, diagnostics: (problems + diagnostics).sortedForDisplay())
    }

    /// The errors that stop `site` from applying: those in its own folder (`east/…`, every
    /// cross-site rule reports at the resource in the folder of the site it involves) and those
    /// outside every site folder, which no site can claim is not its own. A broken file in `west/`
    /// does not stop `east` — the same isolation Flux gives each Kustomization.
    public func errors(blocking site: String) -> [Diagnostic] {
        diagnostics.errors.filter { Self.blocks($0, site: site) }
    }

    static func blocks(_ diagnostic: Diagnostic, site: String) -> Bool {
        let file = diagnostic.location.file
        return file.hasPrefix("\(site)/") || !file.contains("/")
    }

    /// Whether the state may be acted on: no errors, and with `strict` no warnings either.
    public func isValid(strict: Bool) -> Bool {
        strict ? diagnostics.isEmpty : diagnostics.errors.isEmpty
    }
}
