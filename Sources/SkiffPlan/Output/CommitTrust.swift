/// What `plan --base` says of one commit's signature: checked against the trusted keys when
/// they are given, else only whether and how it is signed.
public struct CommitTrust: Sendable, Hashable, Encodable {
    public enum State: String, Sendable, Encodable {
        /// Signed by a trusted key.
        case trusted
        /// Not signed by a trusted key (or not at all), with trusted keys given.
        case refused
        /// Signed (SSH or OpenPGP); no trusted keys were given to check it against.
        case signed
        case unsigned
    }

    public var commit: String
    public var subject: String
    public var state: State
    /// Who signed (trusted), why not (refused), or the signature's kind (signed).
    public var detail: String

    public init(commit: String, subject: String, state: State, detail: String) {
        self.commit = commit
        self.subject = subject
        self.state = state
        self.detail = detail
    }

    /// `✓ 1a2b3c4d5e6f Add the db listener — ada@example.com (ssh-ed25519 SHA256:…)`
    public var line: String {
        let mark = switch state {
        case .trusted: "✓"
        case .refused: "✗"
        case .signed, .unsigned: "·"
        }
        return "\(mark) \(commit.prefix(12)) \(subject) — \(state.rawValue): \(detail)"
    }
}
