import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Socket errors in words an operator acts on — what happened and, where it helps, what to do —
/// never a system call's name or an errno number (`bind(descriptor:ptr:bytes:) … (errno: 98)`).
public enum SocketErrorText {
    /// `cannot bind HOST:PORT: <reason>`.
    public static func bind(_ error: Error, address: String) -> String {
        "cannot bind \(address): \(reason(error, binding: true))"
    }

    /// `cannot connect to HOST:PORT: <reason>`.
    public static func connect(_ error: Error, address: String) -> String {
        "cannot connect to \(address): \(reason(error, binding: false))"
    }

    /// Why, in a few words.
    public static func reason(_ error: Error, binding: Bool) -> String {
        switch error {
        case ChannelError.connectTimeout:
            return "timed out (nothing answered)"
        case let error as IOError:
            return words(errno: error.errnoCode, binding: binding)
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return reason(first.error, binding: binding) }
            return error.dnsAError != nil || error.dnsAAAAError != nil ? "the host does not resolve" : "the host has no address"
        case is SocketAddressError, is SocketAddressError.UnknownHost:
            return "the host does not resolve"
        default:
            return "\(error)"
        }
    }

    static func words(errno code: Int32, binding: Bool) -> String {
        switch code {
        case EADDRINUSE: "address already in use (another process holds it)"
        case EACCES, EPERM: binding ? "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)" : "permission denied"
        case EADDRNOTAVAIL: binding ? "the address is not one of this host's" : "the address is not available"
        case ECONNREFUSED: "connection refused (nothing listens there)"
        case ETIMEDOUT: "timed out (nothing answered)"
        case EHOSTUNREACH, ENETUNREACH: "no route to the host"
        case ECONNRESET: "the connection was reset by the other side"
        case EMFILE, ENFILE: "out of file descriptors (raise the open-file limit)"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}
