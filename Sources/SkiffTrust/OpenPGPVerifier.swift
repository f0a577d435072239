import Foundation

/// Verifies OpenPGP signatures with `gpgv`, GnuPG's verification-only tool: it trusts exactly
/// the keyring it is given (no trust database, no agent, no network), which is what a daemon
/// checking commits against a reviewed list of keys needs. No OpenPGP library is among Skiff's
/// dependencies, and parsing OpenPGP packets by hand is not where a network product should spend
/// its care; gpgv is in every Debian (package `gpgv`).
public struct OpenPGPVerifier: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The outcome of one verification, from gpgv's machine-readable status lines.
    public enum Outcome: Equatable, Sendable {
        /// A good signature by a listed key: its fingerprint and user id.
        case good(fingerprint: String, signer: String)
        case expiredKey(signer: String)
        case revokedKey(signer: String)
        case unknownKey(keyID: String)
        case bad(String)
    }

    /// The keyring gpgv reads (binary, made from the armored keys by `gpg --dearmor`).
    let keyring: String
    /// What was read (for messages).
    public let source: String

    /// Reads armored public keys (`gpg --export --armor`) from `path`.
    public init(armoredKeysAt path: String, scratch: String) throws {
        guard let armored = FileManager.default.contents(atPath: path), String(decoding: armored, as: UTF8.self).contains("-----BEGIN PGP PUBLIC KEY BLOCK-----") else {
            throw Failure(description: "\(path): no armored OpenPGP public key (-----BEGIN PGP PUBLIC KEY BLOCK-----)")
        }
        keyring = scratch + "/trusted.gpg"
        source = path
        let result = try Self.run("gpg", ["--batch", "--no-options", "--yes", "--homedir", scratch, "--dearmor", "--output", keyring, path])
        guard result.status == 0 else { throw Failure(description: "\(path): gpg could not read the keys: \(result.stderr)") }
    }

    /// Verifies the detached `signature` over `data`.
    public func verify(signature: String, data: [UInt8], scratch: String) throws -> Outcome {
        let id = UUID().uuidString
        let signaturePath = scratch + "/\(id).sig", dataPath = scratch + "/\(id).data"
        defer {
            try? FileManager.default.removeItem(atPath: signaturePath)
            try? FileManager.default.removeItem(atPath: dataPath)
        }
        try Data(signature.utf8).write(to: URL(fileURLWithPath: signaturePath))
        try Data(data).write(to: URL(fileURLWithPath: dataPath))
        let result = try Self.run("gpgv", ["--homedir", scratch, "--keyring", keyring, "--status-fd", "1", signaturePath, dataPath])
        return Self.outcome(statusLines: result.stdout)
    }

    /// Reads gpgv's `[GNUPG:]` status lines (doc/DETAILS in GnuPG): a good signature needs both
    /// GOODSIG and VALIDSIG; EXPKEYSIG, REVKEYSIG, BADSIG, ERRSIG and NO_PUBKEY say what went wrong.
    static func outcome(statusLines: String) -> Outcome {
        var fields: [String: [String]] = [:]
        for line in statusLines.split(separator: "\n") where line.hasPrefix("[GNUPG:] ") {
            let parts = line.dropFirst(9).split(separator: " ", maxSplits: 2).map(String.init)
            if let keyword = parts.first { fields[keyword] = Array(parts.dropFirst()) }
        }
        func signer(_ keyword: String) -> String { fields[keyword]?.dropFirst().joined(separator: " ") ?? "?" }
        if fields["EXPKEYSIG"] != nil { return .expiredKey(signer: signer("EXPKEYSIG")) }
        if fields["REVKEYSIG"] != nil { return .revokedKey(signer: signer("REVKEYSIG")) }
        if let missing = fields["NO_PUBKEY"] { return .unknownKey(keyID: missing.first ?? "?") }
        if fields["BADSIG"] != nil { return .bad("the signature does not match the commit (BADSIG)") }
        if let valid = fields["VALIDSIG"], fields["GOODSIG"] != nil, let fingerprint = valid.first {
            return .good(fingerprint: fingerprint, signer: signer("GOODSIG"))
        }
        if let error = fields["ERRSIG"] { return .bad("gpgv could not check the signature (ERRSIG \(error.joined(separator: " ")))") }
        return .bad("gpgv did not report a good signature")
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw Failure(description: "cannot run \(tool): \(error) (install GnuPG: apt-get install gpg gpgv)") }
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self),
                String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
