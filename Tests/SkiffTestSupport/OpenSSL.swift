import Foundation

/// `openssl` as the independent judge of what Skiff issues.
public enum OpenSSL {
    public static func verify(ca: String, certificate: String, purpose: String? = nil) throws -> CommandResult {
        var arguments = ["verify", "-CAfile", ca]
        if let purpose { arguments += ["-purpose", purpose] }
        return try Command.run("openssl", arguments + [certificate])
    }

    public static func text(_ certificate: String) throws -> String {
        try Command.check("openssl", ["x509", "-noout", "-text", "-in", certificate]).stdout
    }

    /// `openssl pkey` reads the key and prints its public half, which must equal the certificate's.
    public static func publicKey(ofKey key: String) throws -> String {
        try Command.check("openssl", ["pkey", "-in", key, "-pubout"]).stdout
    }

    public static func publicKey(ofCertificate certificate: String) throws -> String {
        try Command.check("openssl", ["x509", "-in", certificate, "-noout", "-pubkey"]).stdout
    }
}
