import NIOCore
import NIOPosix
import SkiffNetSupport

/// Why a connection to a connector's target failed, by what it says about the target: a refusal,
/// a timeout or a name that does not resolve mean the target is unreachable (skip it for new
/// flows); a dial this router cancelled, or one it could not even start for want of local
/// resources (file descriptors, memory), says nothing about the target.
enum ConnectFailure: Sendable, Equatable, CustomStringConvertible {
    case unreachable(String)
    case local(String)
    case cancelled

    init(_ error: Error, target: String) {
        switch error {
        case ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed, ChannelError.eof, is DialCancelled:
            self = .cancelled
        case ChannelError.connectTimeout:
            self = .unreachable(SocketErrorText.connect(error, address: target))
        case let error as IOError where Self.localErrnos.contains(error.errnoCode):
            self = .local(SocketErrorText.connect(error, address: target))
        case let error as NIOConnectionError:
            let failures = error.connectionErrors.map(\.error)
            if let local = failures.compactMap({ $0 as? IOError }).first(where: { Self.localErrnos.contains($0.errnoCode) }) {
                self = .local(SocketErrorText.connect(local, address: target))
            } else {
                self = .unreachable(SocketErrorText.connect(error, address: target))
            }
        default:
            self = .unreachable(SocketErrorText.connect(error, address: target))
        }
    }

    /// Out of file descriptors, memory or buffers: this router's trouble, not the target's.
    static let localErrnos: Set<Int32> = [EMFILE, ENFILE, ENOBUFS, ENOMEM]

    var description: String {
        switch self {
        case .unreachable(let message), .local(let message): message
        case .cancelled: "the dial was cancelled"
        }
    }
}
