import Foundation

/// Metadata of the commit the desired state was read at.
public struct CommitInfo: Sendable, Hashable, Codable {
    /// Full 40-hex object id.
    public var id: String
    public var author: String
    public var email: String
    public var time: Date
    /// First line of the message.
    public var subject: String

    public init(id: String, author: String, email: String, time: Date, subject: String) {
        self.id = id
        self.author = author
        self.email = email
        self.time = time
        self.subject = subject
    }

    /// First 12 hex digits, as people quote commits.
    public var shortID: String { String(id.prefix(12)) }
}
