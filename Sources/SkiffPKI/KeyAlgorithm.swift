import Crypto
import _CryptoExtras
import X509

/// The key type of a CA and the certificates it issues.
public enum KeyAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// ECDSA on P-256 with SHA-256 signatures: the default (small, fast handshakes).
    case ecdsaP256 = "ecdsa-p256"
    /// RSA 2048 with SHA-256, for peers that need RSA.
    case rsa2048 = "rsa-2048"
    /// RSA 3072 with SHA-256.
    case rsa3072 = "rsa-3072"

    public func generateKey() throws -> Certificate.PrivateKey {
        switch self {
        case .ecdsaP256: Certificate.PrivateKey(P256.Signing.PrivateKey())
        case .rsa2048: Certificate.PrivateKey(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        case .rsa3072: Certificate.PrivateKey(try _RSA.Signing.PrivateKey(keySize: .bits3072))
        }
    }

    /// The algorithm a key was made with, as far as Skiff issues keys.
    public static func of(_ key: Certificate.PrivateKey) -> KeyAlgorithm {
        let text = String(describing: key)
        if text.contains("RSA3072") { return .rsa3072 }
        if text.contains("RSA") { return .rsa2048 }
        return .ecdsaP256
    }
}
