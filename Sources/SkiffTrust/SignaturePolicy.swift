import Foundation
import SkiffSource

/// Which commits may be planned or applied: only those signed by a key the operator listed —
/// SSH keys in an `allowed_signers` file (git's `gpg.format=ssh`), OpenPGP keys in an armored
/// keyring. A commit signed otherwise, or not at all, is refused with one line saying why.
public final class SignaturePolicy: Sendable {
    public enum Verdict: Equatable, Sendable {
        /// Signed by a listed key: who, in words.
        case trusted(String)
        /// Why not, in one line that names the commit.
        case refused(String)
    }

    let allowedSigners: AllowedSigners?
    let openPGP: OpenPGPVerifier?
    /// A private folder for gpg's home and the files gpgv reads.
    let scratch: String

    /// Nil when neither file is given: every commit is planned and applied, signed or not.
    public static func make(allowedSigners: String?, trustedGPGKeys: String?) throws -> SignaturePolicy? {
        guard allowedSigners != nil || trustedGPGKeys != nil else { return nil }
        return try SignaturePolicy(allowedSigners: allowedSigners, trustedGPGKeys: trustedGPGKeys)
    }

    public init(allowedSigners: String?, trustedGPGKeys: String?) throws {
        var template = Array((NSTemporaryDirectory() + "/skiff-trust-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw OpenPGPVerifier.Failure(description: "cannot make a temporary folder") }
        let folder = String(cString: made)
        scratch = folder
        do {
            self.allowedSigners = try allowedSigners.map(AllowedSigners.init(contentsOf:))
            openPGP = try trustedGPGKeys.map { try OpenPGPVerifier(armoredKeysAt: $0, scratch: folder) }
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: scratch) }

    /// What the policy says of commit `id` with `signature`.
    public func check(commit id: String, signature: CommitSignature?) -> Verdict {
        let commit = "commit \(id.prefix(12))"
        guard let signature else { return .refused("\(commit) is not signed, and only signed commits are applied here") }
        if SSHSignature.isArmored(signature.signature) {
            guard let allowedSigners else { return .refused("\(commit) is signed with an SSH key, and no --allowed-signers file is given") }
            return checkSSH(commit, signature, allowedSigners)
        }
        guard let openPGP else { return .refused("\(commit) is signed with OpenPGP, and no --trusted-gpg-keys file is given") }
        return checkOpenPGP(commit, signature, openPGP)
    }

    private func checkSSH(_ commit: String, _ signed: CommitSignature, _ allowed: AllowedSigners) -> Verdict {
        let signature: SSHSignature
        do { signature = try SSHSignature(armored: signed.signature) } catch { return .refused("\(commit) has \(error)") }
        let entries = allowed.entries(for: signature.publicKey)
        guard !entries.isEmpty else { return .refused("\(commit) is signed by a key not in \(allowed.file) (\(signature.publicKey))") }
        // Checked before any rule about the key: a commit changed after signing is refused as such.
        guard signature.verifies(signed.signedData, namespace: "git") else {
            return .refused(signature.namespace == "git"
                ? "\(commit) has an SSH signature that does not verify: the commit was changed after it was signed"
                : "\(commit) is signed in namespace \"\(signature.namespace)\", not \"git\"")
        }
        let email = signed.committerEmail
        let forCommitter = entries.filter { entry in entry.principals.contains { AllowedSigners.matches(email, pattern: $0) } }
        guard let first = forCommitter.first else {
            let principals = entries.flatMap(\.principals).joined(separator: ", ")
            return .refused("\(commit) is signed by a key \(allowed.file) allows for \(principals) (line \(entries[0].line)), not for its committer \(email)")
        }
        guard let entry = forCommitter.first(where: { $0.namespaces.map { $0.contains("git") } ?? true }) else {
            return .refused("\(commit) is signed by a key \(allowed.file) allows only for namespaces \(first.namespaces?.joined(separator: ",") ?? "") (line \(first.line)), not git")
        }
        let day = { (date: Date) in date.formatted(.iso8601.year().month().day()) }
        if let before = entry.validBefore, signed.committerTime >= before {
            return .refused("\(commit) is signed by an expired key: \(allowed.file) line \(entry.line) allows it before \(day(before)), the commit is of \(day(signed.committerTime))")
        }
        if let after = entry.validAfter, signed.committerTime < after {
            return .refused("\(commit) is signed by a key not yet valid: \(allowed.file) line \(entry.line) allows it from \(day(after)), the commit is of \(day(signed.committerTime))")
        }
        return .trusted("\(email) (\(signature.publicKey))")
    }

    private func checkOpenPGP(_ commit: String, _ signed: CommitSignature, _ verifier: OpenPGPVerifier) -> Verdict {
        let outcome: OpenPGPVerifier.Outcome
        do { outcome = try verifier.verify(signature: signed.signature, data: signed.signedData, scratch: scratch) } catch { return .refused("\(commit): \(error)") }
        switch outcome {
        case .good(let fingerprint, let signer): return .trusted("\(signer) (OpenPGP \(fingerprint))")
        case .expiredKey(let signer): return .refused("\(commit) is signed by an expired OpenPGP key (\(signer))")
        case .revokedKey(let signer): return .refused("\(commit) is signed by a revoked OpenPGP key (\(signer))")
        case .unknownKey(let keyID): return .refused("\(commit) is signed by OpenPGP key \(keyID), which is not in \(verifier.source)")
        case .bad(let why): return .refused("\(commit) has an OpenPGP signature that does not verify: \(why)")
        }
    }
}
