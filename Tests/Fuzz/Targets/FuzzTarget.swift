/// The inputs a peer or a user controls, each one fuzzed on its own: `skiff-fuzz` runs one under
/// libFuzzer, and the corpus replay test runs every saved input of each through the same code.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Bytes from a peer that holds valid link credentials, after TLS: a whole link session.
    case linkSession = "link-session"
    /// A resource file in a site folder: YAML, schema, resource model and whole-network checks.
    case networkFile = "network-file"
    /// Bytes from a client of the grant server, after TLS: HTTP/1 request, path and JSON body.
    case grantRequest = "grant-request"
    /// A token file handed over by hand (`skiff token redeem FILE`).
    case tokenFile = "token-file"

    /// Runs one input; says how far it got (tests check the corpus reaches the deep states).
    @discardableResult
    public func run(_ input: [UInt8]) -> FuzzOutcome {
        switch self {
        case .linkSession: LinkSessionFuzzer.run(input)
        case .networkFile: NetworkFileFuzzer.run(input)
        case .grantRequest: GrantRequestFuzzer.run(input)
        case .tokenFile: TokenFileFuzzer.run(input)
        }
    }
}

/// How far one input got: whether it was taken (a link came up, a file loaded, a request parsed)
/// and what refused it otherwise.
public struct FuzzOutcome: Sendable, Equatable {
    public var accepted: Bool
    public var detail: String

    public init(accepted: Bool, detail: String) {
        self.accepted = accepted
        self.detail = detail
    }
}
