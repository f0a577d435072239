import Foundation

/// A commit's signature and what it signs, as git stores them (`gpgsig` header), read through
/// libgit2's `git_commit_extract_signature`; with the committer, whom the signer must be.
public struct CommitSignature: Sendable {
    /// The armored signature: `-----BEGIN SSH SIGNATURE-----` or `-----BEGIN PGP SIGNATURE-----`.
    public var signature: String
    /// The commit object without its signature: the bytes the signature covers.
    public var signedData: [UInt8]
    public var committerEmail: String
    public var committerTime: Date

    public init(signature: String, signedData: [UInt8], committerEmail: String, committerTime: Date) {
        self.signature = signature
        self.signedData = signedData
        self.committerEmail = committerEmail
        self.committerTime = committerTime
    }
}
