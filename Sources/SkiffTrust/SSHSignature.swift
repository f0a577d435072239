import Crypto
import Foundation

/// An SSH signature in OpenSSH's SSHSIG format (PROTOCOL.sshsig), as `git commit -S` writes
/// with `gpg.format=ssh` (`ssh-keygen -Y sign -n git`):
///
///     "SSHSIG" · uint32 version (1) · string public key · string namespace · string reserved ·
///     string hash algorithm · string signature
///
/// The signature covers "SSHSIG" · string namespace · string reserved · string hash algorithm ·
/// string H(message).
public struct SSHSignature: Sendable {
    public let publicKey: SSHPublicKey
    public let namespace: String
    let hashAlgorithm: String
    let signature: [UInt8]

    static let magic = Array("SSHSIG".utf8)
    static let armorBegin = "-----BEGIN SSH SIGNATURE-----"
    static let armorEnd = "-----END SSH SIGNATURE-----"

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notArmored, malformed(String), unsupportedKey(String)

        public var description: String {
            switch self {
            case .notArmored: "not an SSH signature (no \(SSHSignature.armorBegin) armor)"
            case .malformed(let why): "a malformed SSH signature: \(why)"
            case .unsupportedKey(let name): "an SSH signature by a \(name) key (Ed25519, ECDSA P-256 and RSA are supported)"
            }
        }
    }

    /// Whether `text` is an armored SSH signature (rather than an OpenPGP one).
    public static func isArmored(_ text: String) -> Bool {
        text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix(armorBegin)
    }

    /// Parses the armored signature.
    public init(armored text: String) throws {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(of: Self.armorBegin), let end = lines.firstIndex(of: Self.armorEnd), begin < end else {
            throw Failure.notArmored
        }
        guard let data = Data(base64Encoded: lines[(begin + 1)..<end].joined()) else { throw Failure.malformed("bad base64") }
        var reader = SSHWireReader(data)
        guard reader.readBytes(6).map(Array.init) == Self.magic else { throw Failure.malformed("no SSHSIG magic") }
        guard reader.readUInt32() == 1 else { throw Failure.malformed("version is not 1") }
        guard let keyBlob = reader.readString(), let namespace = reader.readText(), reader.readString() != nil,
              let hash = reader.readText(), let signature = reader.readString(), reader.isAtEnd
        else { throw Failure.malformed("truncated") }
        guard let key = SSHPublicKey(blob: keyBlob) else {
            var name = SSHWireReader(keyBlob)
            throw Failure.unsupportedKey(name.readText() ?? "unknown")
        }
        guard hash == "sha512" || hash == "sha256" else { throw Failure.malformed("hash algorithm \(hash)") }
        publicKey = key
        self.namespace = namespace
        hashAlgorithm = hash
        self.signature = signature
    }

    /// Whether the signature is the public key's over `message` in `namespace`.
    public func verifies(_ message: [UInt8], namespace expected: String) -> Bool {
        guard namespace == expected else { return false }
        let digest: [UInt8] = hashAlgorithm == "sha512" ? Array(SHA512.hash(data: message)) : Array(SHA256.hash(data: message))
        var signed = SSHWireWriter()
        signed.write(raw: Self.magic)
        signed.write(string: Array(namespace.utf8))
        signed.write(string: [UInt8]())
        signed.write(string: Array(hashAlgorithm.utf8))
        signed.write(string: digest)
        return publicKey.isValidSignature(signature, for: signed.bytes)
    }
}
