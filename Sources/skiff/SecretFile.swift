import ArgumentParser
import Foundation

/// A file that holds a secret (a token, a link's key): created 0600, whatever the umask.
enum SecretFile {
    static func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write \(path)")
        }
        chmod(path, 0o600)
    }
}
