import SkiffModel

/// Why a scaffolding command wrote nothing. Each reaches the user as one line; none leaves a file
/// half-written (changes are checked in full before the first is written).
public enum ScaffoldError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name is not a resource name (the schemas' rule).
    case invalidName(String, problem: String)
    /// The resource exists already; `--force` replaces it.
    case exists(ResourceID, site: String, at: SourceLocation)
    /// The resource to delete is not in the site's folder.
    case notFound(ResourceID, site: String)
    /// The site has no folder with a Site resource.
    case noSite(String, networkPath: String)
    /// The file the resource would be written to holds something else.
    case fileTaken(path: String, holding: String)
    /// A file's documents cannot be told apart line by line (so one cannot be cut out safely).
    case documentBounds(path: String)
    /// The result would not validate; the findings, as `skiff validate` prints them.
    case wouldNotValidate([String])

    public var description: String {
        switch self {
        case .invalidName(let name, let problem):
            "invalid name \"\(name)\": \(problem)"
        case .exists(let id, let site, let location):
            "\(id) already exists at site \(site) (\(location)); --force replaces it"
        case .notFound(let id, let site):
            "no \(id) at site \(site)"
        case .noSite(let site, let networkPath):
            "no site \"\(site)\" under \(networkPath) (no folder \(site)/ with a Site resource): create it first with skiff site create \(site)"
        case .fileTaken(let path, let holding):
            "\(path) exists and holds \(holding); move or rename it first"
        case .documentBounds(let path):
            "cannot tell \(path)'s documents apart line by line (a '---' inside a value?); edit it by hand"
        case .wouldNotValidate(let findings):
            "the change would not validate, so nothing was written: " + findings.joined(separator: "; ")
        }
    }
}
