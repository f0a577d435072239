import Crypto
import Foundation

/// The credentials of links this site dials (`pki/links/<name>/`: `ca.crt`, `tls.crt`, `tls.key`),
/// however they came: a redeemed token, a generated link applied by hand, or a Secret in git.
extension SitePKI {
    /// The three files of a link credential, in the order digests read them.
    public static let linkFiles = ["ca.crt", "tls.crt", "tls.key"]

    /// Writes the link credentials `pem` (PEM text by file name; the key 0600) into the link's folder.
    public func writeLinkCredentials(_ name: String, pem: [String: String]) throws {
        let folder = linkFolder(name)
        for file in Self.linkFiles {
            guard let text = pem[file] else { throw PKIError.missingFile(path: folder + "/" + file) }
            try PEMFiles.write(text, to: folder + "/" + file, permissions: file == "tls.key" ? 0o600 : 0o644)
        }
    }

    /// A digest of a link credential's three files, so that what is on disk can be compared with
    /// what git holds without keeping a copy of the key anywhere else.
    public static func linkDigest(pem: [String: String]) -> String {
        var hash = SHA256()
        for file in linkFiles { hash.update(data: Data((pem[file] ?? "").utf8)); hash.update(data: Data([0])) }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The digest of every link credential on disk, by folder name; a folder missing a file is left out.
    public func linkDigests() -> [String: String] {
        let root = self.root + "/links"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        var digests: [String: String] = [:]
        for name in names {
            let pem = Dictionary(uniqueKeysWithValues: Self.linkFiles.compactMap { file in
                (try? String(contentsOfFile: "\(root)/\(name)/\(file)", encoding: .utf8)).map { (file, $0) }
            })
            if pem.count == Self.linkFiles.count { digests[name] = Self.linkDigest(pem: pem) }
        }
        return digests
    }
}
