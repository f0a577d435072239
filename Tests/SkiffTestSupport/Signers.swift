import Foundation

/// Keys made by ssh-keygen and gpg, commits signed by `git commit -S`, verified in process and
/// checked against what git itself says (`git verify-commit`).
public final class Signers: @unchecked Sendable {
    public let keys = try! TemporaryDirectory("skiff-keys")
    public let repo: GitFixture
    /// A GnuPG home with the signing keys (OpenPGP cases).
    public var gnupg: String { keys.path + "/gnupg" }

    public init() throws {
        repo = try GitFixture()
        try repo.write("west/site.yaml", Fixtures.site("west"))
    }

    /// `ssh-keygen -t type`: returns the private key's path (the public key is `path.pub`).
    public func sshKey(_ name: String, type: String = "ed25519", bits: String? = nil) throws -> String {
        let path = keys.path + "/" + name
        try Command.check("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", name, "-f", path] + (bits.map { ["-b", $0] } ?? []))
        return path
    }

    public func publicKey(_ path: String) throws -> String {
        try String(contentsOfFile: path + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
    }

    /// Writes an allowed_signers file with `lines`; returns its path.
    public func allowedSigners(_ lines: [String]) throws -> String {
        try keys.write("allowed_signers-\(UUID().uuidString.prefix(8))", lines.joined(separator: "\n") + "\n")
    }

    /// A commit signed by `git commit -S` with the SSH key at `key`; returns its id.
    @discardableResult
    public func commitSSH(_ message: String, key: String) throws -> String {
        try repo.write("notes/\(UUID().uuidString).txt", message + "\n")
        try repo.git("add", "-A")
        try repo.gitArguments(["-c", "gpg.format=ssh", "-c", "user.signingkey=\(key)", "commit", "-q", "-S", "-m", message])
        return try repo.git("rev-parse", "HEAD")
    }

    /// A key in the test's GnuPG home (optionally made at a past time, so it has expired); returns its fingerprint.
    public func gpgKey(_ uid: String, expiring: String = "1y", madeAt: String? = nil) throws -> String {
        try FileManager.default.createDirectory(atPath: gnupg, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let faked = madeAt.map { ["--faked-system-time", $0] } ?? []
        try Command.check("gpg", ["--homedir", gnupg, "--batch", "--passphrase", "", "--pinentry-mode", "loopback"] + faked
                          + ["--quick-gen-key", uid, "ed25519", "sign", expiring])
        let listing = try Command.check("gpg", ["--homedir", gnupg, "--with-colons", "--list-keys", uid]).stdout
        guard let fingerprint = listing.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") })?.split(separator: ":").last else {
            throw Command.Failed(command: "gpg --list-keys \(uid)", result: CommandResult(status: 0, stdout: listing, stderr: "no fingerprint"))
        }
        return String(fingerprint)
    }

    public func exportGPG(_ fingerprints: [String]) throws -> String {
        let armored = try Command.check("gpg", ["--homedir", gnupg, "--armor", "--export"] + fingerprints).stdout
        return try keys.write("trusted-\(UUID().uuidString.prefix(8)).asc", armored)
    }

    /// A commit signed by `git commit -S` with OpenPGP key `fingerprint` (at a faked time, for an expired key).
    @discardableResult
    public func commitGPG(_ message: String, key fingerprint: String, at time: String? = nil) throws -> String {
        let program = try keys.write("gpg-\(UUID().uuidString.prefix(8)).sh", "#!/bin/sh\nexec gpg --homedir '\(gnupg)' --batch --pinentry-mode loopback --passphrase ''"
            + (time.map { " --faked-system-time \($0)" } ?? "") + " \"$@\"\n")
        chmod(program, 0o755)
        try repo.write("notes/\(UUID().uuidString).txt", message + "\n")
        try repo.git("add", "-A")
        try repo.gitArguments(["-c", "gpg.program=\(program)", "-c", "user.signingkey=\(fingerprint)", "commit", "-q", "-S", "-m", message])
        return try repo.git("rev-parse", "HEAD")
    }

}
