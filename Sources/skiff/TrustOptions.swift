import ArgumentParser
import Foundation
import SkiffPlan
import SkiffSource
import SkiffTrust

/// `--allowed-signers` and `--trusted-gpg-keys`: only commits signed by these keys are planned or applied.
struct TrustOptions: ParsableArguments {
    @Option(name: .customLong("allowed-signers"), help: ArgumentHelp(
        "Apply only commits signed by an SSH key listed in this OpenSSH allowed_signers file (git's gpg.ssh.allowedSignersFile), for the committer's address.",
        valueName: "file"))
    var allowedSigners: String?

    @Option(name: .customLong("trusted-gpg-keys"), help: ArgumentHelp(
        "Apply only commits signed by one of these OpenPGP keys (armored, as gpg --export --armor writes them; checked with gpgv).",
        valueName: "file"))
    var trustedGPGKeys: String?

    /// The policy, or nil when no key file is given; a bad file is an error naming its line.
    func policy() throws -> SignaturePolicy? {
        do {
            return try SignaturePolicy.make(allowedSigners: allowedSigners, trustedGPGKeys: trustedGPGKeys)
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// Reads the desired state and refuses it unless the policy trusts its commit.
    func read(_ request: SourceRequest, policy: SignaturePolicy?) throws -> DesiredState {
        let desired = try DesiredState.read(request)
        guard let policy else { return desired }
        guard let commit = desired.snapshot.commit else {
            throw CommandFailure("\(desired.snapshot.summary) is not a commit: signed commits need a git repository")
        }
        if case .refused(let why) = policy.check(commit: commit.id, signature: desired.snapshot.signature) { throw CommandFailure(why) }
        return desired
    }

    /// What `plan --base` reports of each commit from base to head.
    static func trust(_ commits: [(CommitInfo, CommitSignature?)], policy: SignaturePolicy?) -> [CommitTrust] {
        commits.map { info, signature in
            let state: CommitTrust.State, detail: String
            if let policy {
                switch policy.check(commit: info.id, signature: signature) {
                case .trusted(let who): (state, detail) = (.trusted, who)
                case .refused(let why): (state, detail) = (.refused, why)
                }
            } else if let signature {
                (state, detail) = (.signed, SSHSignature.isArmored(signature.signature) ? "SSH, not checked (no --allowed-signers)" : "OpenPGP, not checked (no --trusted-gpg-keys)")
            } else {
                (state, detail) = (.unsigned, "no signature")
            }
            return CommitTrust(commit: info.id, subject: info.subject, state: state, detail: detail)
        }
    }
}
