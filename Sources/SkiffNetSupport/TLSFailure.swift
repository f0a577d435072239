import NIOCore
import NIOSSL

/// A TLS handshake failure, classed by what the operator does about it. BoringSSL reports a
/// failure as a stack of `error:…:REASON` lines (NIOSSL exposes them only as text); the reason
/// name is read once, here, and nothing else matches error text.
public enum TLSFailure: Sendable, Equatable {
    /// The peer's certificate does not verify against the CAs this side trusts.
    case peerNotTrusted
    /// The server's certificate verifies but does not carry the name that was dialled.
    case peerNameMismatch
    /// The peer refused this side's certificate (alert unknown_ca, bad_certificate, …).
    case refusedByPeer
    /// The peer refused this side's certificate as expired.
    case expiredAtPeer
    /// The peer presented no certificate where one is required.
    case noPeerCertificate
    /// What answered does not speak TLS.
    case notTLS
    /// The peer does not accept TLS 1.3, the only version Skiff speaks.
    case protocolVersion
    /// The connection ended in the middle of the handshake.
    case closedDuringHandshake
    /// Anything else, by BoringSSL's reason name in lower case (`decode error`).
    case other(String)

    /// The failure `error` describes, or nil when it is not a TLS failure.
    public init?(_ error: Error) {
        switch error {
        case NIOSSLError.uncleanShutdown, NIOSSLError.handshakeFailed(.zeroReturn), NIOSSLError.handshakeFailed(.syscallError):
            self = .closedDuringHandshake
        case NIOSSLError.handshakeFailed(let inner):
            self = Self.classify(reasons: Self.reasons(in: "\(inner)"))
        case let error as BoringSSLError:
            self = Self.classify(reasons: Self.reasons(in: "\(error)"))
        case NIOSSLError.noCertificateToValidate:
            self = .noPeerCertificate
        case let error as NIOSSLExtraError where error == .failedToValidateHostname || error == .serverHostnameImpossibleToMatch:
            self = .peerNameMismatch
        case NIOSSLError.unableToValidateCertificate:
            self = .peerNotTrusted
        default:
            return nil
        }
    }

    static func classify(reasons: [String]) -> TLSFailure {
        for reason in reasons {
            switch reason {
            case "CERTIFICATE_VERIFY_FAILED": return .peerNotTrusted
            case "SSLV3_ALERT_CERTIFICATE_EXPIRED": return .expiredAtPeer
            case "TLSV1_ALERT_UNKNOWN_CA", "SSLV3_ALERT_BAD_CERTIFICATE", "SSLV3_ALERT_CERTIFICATE_UNKNOWN",
                 "SSLV3_ALERT_CERTIFICATE_REVOKED", "TLSV1_ALERT_ACCESS_DENIED", "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE":
                return .refusedByPeer
            case "PEER_DID_NOT_RETURN_A_CERTIFICATE", "TLSV13_ALERT_CERTIFICATE_REQUIRED", "TLSV1_ALERT_CERTIFICATE_REQUIRED": return .noPeerCertificate
            case "WRONG_VERSION_NUMBER", "HTTP_REQUEST", "HTTPS_PROXY_REQUEST", "PACKET_LENGTH_TOO_LONG", "RECORD_TOO_LARGE":
                return .notTLS
            case "UNSUPPORTED_PROTOCOL", "TLSV1_ALERT_PROTOCOL_VERSION": return .protocolVersion
            default: continue
            }
        }
        return .other(reasons.first.map { String($0.lowercased().map { $0 == "_" ? " " : $0 }) } ?? "handshake failed")
    }

    /// The reason names in BoringSSL's error text, `error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED`:
    /// BoringSSL writes every reason after the function slot, which it always fills with `OPENSSL_internal`.
    static func reasons(in text: String) -> [String] {
        text.split(separator: ":OPENSSL_internal:", omittingEmptySubsequences: false).dropFirst().compactMap { rest in
            let reason = String(rest.prefix { $0.isUppercase || $0.isNumber || $0 == "_" })
            return reason.isEmpty ? nil : reason
        }
    }

    /// What went wrong, for the side that dialled `peer` (`link to-west (10.0.0.5:55671)`), and what to do.
    public func dialling(_ peer: String) -> String {
        switch self {
        case .peerNotTrusted:
            "\(peer): the server's certificate does not verify against this link's CA — the site revoked access (rotated its CA) or another server answers there: redeem a fresh token"
        case .peerNameMismatch:
            "\(peer): the server's certificate does not carry the name dialled; the site must list it (a RouterAccess subjectAlternativeName)"
        case .refusedByPeer:
            "\(peer): the peer refused this site's link certificate (it is not signed by a CA the peer trusts) — was access revoked? Redeem a fresh token"
        case .expiredAtPeer:
            "\(peer): the peer refused this site's link certificate as expired: redeem a fresh token"
        case .noPeerCertificate:
            "\(peer): the peer presented no certificate"
        case .notTLS:
            "\(peer): what answers there does not speak TLS (is it the site's link port?)"
        case .protocolVersion:
            "\(peer): the peer does not accept TLS 1.3"
        case .closedDuringHandshake:
            "\(peer): the peer closed the connection during the TLS handshake"
        case .other(let reason):
            "\(peer): TLS handshake failed (\(reason))"
        }
    }

    /// What went wrong in a connector's TLS to its backend at `target`, whose credentials are
    /// `pki/certificates/<credentials>`, and what to do.
    public func backend(_ target: String, credentials: String) -> String {
        let folder = "pki/certificates/\(credentials)"
        return switch self {
        case .peerNotTrusted:
            "TLS to \(target): the backend's certificate does not verify against \(folder)/ca.crt"
        case .peerNameMismatch:
            "TLS to \(target): the backend's certificate does not name the host dialled (verifyHostname)"
        case .refusedByPeer, .expiredAtPeer:
            "TLS to \(target): the backend refused the client certificate \(folder)/tls.crt"
        case .noPeerCertificate:
            "TLS to \(target): the backend wants a client certificate (set useClientCert, with client credentials in \(folder))"
        case .notTLS:
            "TLS to \(target): the backend does not speak TLS (is it the right port? without tlsCredentials the connector speaks plain TCP)"
        case .protocolVersion:
            "TLS to \(target): the backend offers no TLS version this router speaks (1.2 or 1.3)"
        case .closedDuringHandshake:
            "TLS to \(target): the backend closed the connection during the handshake"
        case .other(let reason):
            "TLS to \(target): handshake failed (\(reason))"
        }
    }

    /// What went wrong, for the side that accepted a connection from `peer` (an address).
    public func accepting(_ peer: String) -> String {
        switch self {
        case .peerNotTrusted:
            "the link certificate of the peer at \(peer) is not signed by a CA this site trusts (was its access revoked?)"
        case .peerNameMismatch:
            "the peer at \(peer) presented a certificate for another name"
        case .refusedByPeer, .expiredAtPeer:
            "the peer at \(peer) refused this site's server certificate (its token predates a revoke-access?)"
        case .noPeerCertificate:
            "the peer at \(peer) presented no certificate (links need one from a redeemed token)"
        case .notTLS:
            "the peer at \(peer) does not speak TLS"
        case .protocolVersion:
            "the peer at \(peer) does not offer TLS 1.3"
        case .closedDuringHandshake:
            "the peer at \(peer) closed the connection during the TLS handshake"
        case .other(let reason):
            "TLS handshake with \(peer) failed (\(reason))"
        }
    }
}
