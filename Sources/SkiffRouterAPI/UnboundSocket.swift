/// A socket the router was configured to bind and could not, and why — read from its status by
/// `apply` (which fails on them) and by the planner (which plans a push that retries them).
public struct UnboundSocket: Sendable, Hashable {
    public enum Owner: Sendable, Hashable {
        case listener(String)
        case linkAccess(role: String)
        case grantServer
    }

    public var owner: Owner
    public var error: String
}

extension RouterStatus {
    /// Every socket not bound that says why: listeners, link-access ports, the grant server.
    public var unboundSockets: [UnboundSocket] {
        listeners.filter { !$0.bound }.compactMap { listener in listener.error.map { UnboundSocket(owner: .listener(listener.name), error: $0) } }
            + linkAccess.filter { !$0.bound }.compactMap { access in access.error.map { UnboundSocket(owner: .linkAccess(role: access.role), error: $0) } }
            + (grantServer?.error.map { [UnboundSocket(owner: .grantServer, error: $0)] } ?? [])
    }
}
