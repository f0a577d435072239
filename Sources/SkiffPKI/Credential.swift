import Foundation
import X509

/// A certificate with its private key. Its description never shows the key.
public struct Credential: Sendable, CustomStringConvertible {
    public var certificate: Certificate
    public var key: Certificate.PrivateKey

    public init(certificate: Certificate, key: Certificate.PrivateKey) {
        self.certificate = certificate
        self.key = key
    }

    public var description: String { "Credential(\(certificate.subject), serial \(certificate.serialNumber))" }

    public var certificatePEM: String { get throws { try certificate.serializeAsPEM().pemString } }
    public var keyPEM: String { get throws { try key.serializeAsPEM().pemString } }
}

extension Certificate {
    /// DNS names and IP addresses from the subjectAlternativeName extension, as text.
    public var alternativeNames: [String] {
        guard let names = try? extensions.subjectAlternativeNames else { return [] }
        return names.compactMap { name in
            switch name {
            case .dnsName(let dns): return dns
            case .ipAddress(let octets): return IPAddressText.format(Array(octets.bytes))
            default: return nil
            }
        }
    }

    /// Whether `issuer` signed this certificate (name and signature), the check `openssl verify` makes first.
    public func isIssued(by issuer: Certificate) -> Bool {
        self.issuer == issuer.subject && issuer.publicKey.isValidSignature(signature, for: self)
    }

    /// Lowercase hex of the serial number.
    public var serialHex: String {
        serialNumber.bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
