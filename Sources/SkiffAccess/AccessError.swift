import SkiffRouterAPI
/// Errors of the access module that are not a grant server's refusal.
public enum AccessError: Error, CustomStringConvertible, Sendable {
    case damagedRecord(path: String, message: String)
    case noSuchGrant(name: String, site: String, known: [String])
    case grantNotServed(name: String, site: String)
    case grantUnusable(name: String, state: GrantState)
    case badToken(path: String, message: String)
    /// The grant server refused, with its reason and message.
    case refused(RedemptionRefusal, message: String, url: String)
    /// The grant server could not be reached or spoke no sense.
    case unreachable(url: String, message: String)
    /// The server's certificate does not chain to the token's CA: not the granting site, or it
    /// replaced its CA (revoke-access). Retrying cannot help.
    case untrusted(url: String)

    public var description: String {
        switch self {
        case .damagedRecord(let path, let message): "\(path): damaged record: \(message)"
        case .noSuchGrant(let name, let site, let known):
            "site \(site) has no AccessGrant \"\(name)\"" + (known.isEmpty ? "" : "; its grants are " + known.joined(separator: ", "))
        case .grantNotServed(let name, let site):
            "grant \(name) is not served yet: run `skiff apply --site \(site)` (or let its daemon apply) so its router serves it"
        case .grantUnusable(let name, let state):
            "grant \(name) is \(state.rawValue): a token for it would be refused; change or rename the AccessGrant in git to make a fresh one"
        case .badToken(let path, let message): "\(path): \(message)"
        case .refused(let refusal, let message, let url): "grant server \(url) refused the token (\(refusal.httpStatus) \(refusal.rawValue)): \(message)"
        case .unreachable(let url, let message): "cannot redeem at \(url): \(message)"
        case .untrusted(let url):
            "cannot redeem at \(url): the server's certificate does not verify against the token's CA; the site may have revoked access: ask for a fresh token"
        }
    }
}
