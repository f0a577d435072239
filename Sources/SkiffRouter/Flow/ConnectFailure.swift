import NIOCore
import NIOPosix

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
        case ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed, ChannelError.eof:
            self = .cancelled
        case ChannelError.connectTimeout:
            self = .unreachable("cannot connect to \(target): timed out")
        case let error as IOError where Self.localErrnos.contains(error.errnoCode):
            self = .local("cannot connect to \(target): \(error.description)")
        case let error as NIOConnectionError:
            let failures = error.connectionErrors.map(\.error)
            if let local = failures.compactMap({ $0 as? IOError }).first(where: { Self.localErrnos.contains($0.errnoCode) }) {
                self = .local("cannot connect to \(target): \(local.description)")
            } else if failures.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                self = .unreachable("cannot connect to \(target): the host does not resolve")
            } else {
                self = .unreachable("cannot connect to \(target): \(failures.first.map { "\($0)" } ?? "no address")")
            }
        default:
            self = .unreachable("cannot connect to \(target): \(error)")
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
