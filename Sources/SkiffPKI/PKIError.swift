import Foundation

/// What is wrong with certificate material, naming the file. Never carries key bytes.
public enum PKIError: Error, Sendable, Hashable, CustomStringConvertible {
    case missingFile(path: String)
    case unreadable(path: String, expected: String)
    case keyDoesNotMatch(certificate: String, key: String)
    case expired(path: String, notAfter: Date)
    case notYetValid(path: String, notBefore: Date)
    case notIssuedByCA(certificate: String, ca: String)
    case notACertificateAuthority(path: String)
    case io(path: String, message: String)

    public var description: String {
        switch self {
        case .missingFile(let path): "\(path): missing"
        case .unreadable(let path, let expected): "\(path): not \(expected)"
        case .keyDoesNotMatch(let certificate, let key): "\(key): does not match the certificate in \(certificate)"
        case .expired(let path, let notAfter): "\(path): expired on \(PKIError.format(notAfter))"
        case .notYetValid(let path, let notBefore): "\(path): not valid before \(PKIError.format(notBefore))"
        case .notIssuedByCA(let certificate, let ca): "\(certificate): not issued by the CA in \(ca)"
        case .notACertificateAuthority(let path): "\(path): not a CA certificate (basicConstraints CA:TRUE missing)"
        case .io(let path, let message): "\(path): \(message)"
        }
    }

    /// The file the problem is about.
    public var path: String {
        switch self {
        case .missingFile(let path), .unreadable(let path, _), .expired(let path, _), .notYetValid(let path, _),
             .notACertificateAuthority(let path), .io(let path, _):
            path
        case .keyDoesNotMatch(_, let key): key
        case .notIssuedByCA(let certificate, _): certificate
        }
    }

    static func format(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
