import Crypto
import Foundation
import _CryptoExtras

/// An SSH public key of the kinds `ssh-keygen` makes for signing: Ed25519, ECDSA P-256 and RSA.
public struct SSHPublicKey: Sendable, Hashable, CustomStringConvertible {
    public enum Algorithm: String, Sendable {
        case ed25519 = "ssh-ed25519"
        case ecdsaP256 = "ecdsa-sha2-nistp256"
        case rsa = "ssh-rsa"
    }

    public let algorithm: Algorithm
    /// The key's wire encoding (what `authorized_keys` base64-encodes), compared to identify it.
    public let blob: [UInt8]

    /// `ssh-ed25519 AAAA…`: the algorithm and the base64 blob.
    public init?(algorithm name: String, base64: String) {
        guard let blob = Data(base64Encoded: base64) else { return nil }
        self.init(blob: Array(blob))
        guard algorithm.rawValue == name else { return nil }
    }

    /// From the wire encoding; nil for another key type or a malformed key.
    public init?(blob: [UInt8]) {
        var reader = SSHWireReader(blob)
        guard let name = reader.readText(), let algorithm = Algorithm(rawValue: name) else { return nil }
        self.algorithm = algorithm
        self.blob = blob
        guard (try? verifier()) != nil else { return nil }
    }

    /// `SHA256:…` as `ssh-keygen -l` prints it.
    public var fingerprint: String {
        "SHA256:" + Data(SHA256.hash(data: blob)).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    public var description: String { "\(algorithm.rawValue) \(fingerprint)" }

    enum Failure: Error {
        case malformed
    }

    /// Checks `signature` (the SSH signature blob: algorithm name and signature) over `data`.
    func isValidSignature(_ signature: [UInt8], for data: [UInt8]) -> Bool {
        var reader = SSHWireReader(signature)
        guard let name = reader.readText(), let raw = reader.readString(), reader.isAtEnd, let verify = try? verifier() else { return false }
        return verify(name, raw, data)
    }

    /// A function of (signature algorithm, raw signature, data) for this key.
    private func verifier() throws -> (String, [UInt8], [UInt8]) -> Bool {
        var reader = SSHWireReader(blob)
        _ = reader.readText()
        switch algorithm {
        case .ed25519:
            guard let raw = reader.readString(), reader.isAtEnd else { throw Failure.malformed }
            let key = try Curve25519.Signing.PublicKey(rawRepresentation: raw)
            return { name, signature, data in name == "ssh-ed25519" && key.isValidSignature(signature, for: data) }
        case .ecdsaP256:
            guard reader.readText() == "nistp256", let point = reader.readString(), reader.isAtEnd else { throw Failure.malformed }
            let key = try P256.Signing.PublicKey(x963Representation: point)
            return { name, signature, data in
                // The signature is two mpints, r and s; P-256 wants them as 32 bytes each.
                var parts = SSHWireReader(signature)
                guard name == "ecdsa-sha2-nistp256", let r = parts.readUnsignedMPInt(), let s = parts.readUnsignedMPInt(), parts.isAtEnd,
                      r.count <= 32, s.count <= 32,
                      let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: [UInt8](repeating: 0, count: 32 - r.count) + r
                          + [UInt8](repeating: 0, count: 32 - s.count) + s)
                else { return false }
                return key.isValidSignature(ecdsa, for: data)
            }
        case .rsa:
            guard let e = reader.readUnsignedMPInt(), let n = reader.readUnsignedMPInt(), reader.isAtEnd else { throw Failure.malformed }
            let key = try _RSA.Signing.PublicKey(n: n, e: e)
            return { name, signature, data in
                let rsa = _RSA.Signing.RSASignature(rawRepresentation: signature)
                switch name {
                // SHA-1 ("ssh-rsa" signatures) is refused, as OpenSSH refuses it.
                case "rsa-sha2-512": return key.isValidSignature(rsa, for: SHA512.hash(data: data), padding: .insecurePKCS1v1_5)
                case "rsa-sha2-256": return key.isValidSignature(rsa, for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
                default: return false
                }
            }
        }
    }
}
