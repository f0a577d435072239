/// Which site the peer's link certificate lets it speak for. The layer beneath the link (TLS, in
/// the router) tells the session with a `LinkPeerIdentified` event before the first frame; the
/// peer's HELLO must then name that site.
package enum PeerIdentity: Sendable, Hashable {
    /// The certificate names this site (`urn:skiff:site:NAME`).
    case certified(site: String)
    /// The certificate names no site.
    case uncertified
    /// The peer presented no certificate.
    case noCertificate
    /// The certificate chains to a CA this site trusts for one site only, but names another
    /// (`reason` says which): it may speak for no site.
    case misissued(reason: String)

    /// Why a peer with this identity may not speak for `claimed`, if it may not.
    func problem(claiming claimed: String) -> String? {
        switch self {
        case .certified(let site) where site == claimed:
            nil
        case .certified(let site):
            "the peer's certificate is for site \(site), but its hello says \(claimed)"
        case .uncertified:
            "the peer's certificate names no site (issued before Skiff checked site identities: grant a new token)"
        case .noCertificate:
            "the peer presented no certificate"
        case .misissued(let reason):
            reason
        }
    }
}

/// Inbound user event: the peer's identity, from its certificate (`der`, kept so that its trust can
/// be checked again when access is revoked).
package struct LinkPeerIdentified: Sendable, Hashable {
    package var identity: PeerIdentity
    package var certificate: [UInt8]?

    package init(identity: PeerIdentity, certificate: [UInt8]?) {
        self.identity = identity
        self.certificate = certificate
    }
}

/// An error the layer beneath the link reports in words an operator acts on (a TLS handshake that
/// failed, say why): the session closes the link with `description` as its reason.
package struct LinkTransportFailure: Error, Sendable, Hashable, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
