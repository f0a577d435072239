import Foundation
import SkiffAccess
import SkiffPKI
import SkiffPlan
import SkiffRouterAPI
import SkiffSupport

/// `skiff revoke-access`: the site's CA is replaced, so every token and link credential it issued
/// stops working — on the links already up too, not only on the next ones. The running router is
/// told at once: it reloads its certificates and trust, and closes every inbound link whose peer
/// certificate the new trust bundle does not hold.
public enum AccessRevocation {
    public struct Outcome: Sendable {
        public var rotation: CARotation
        /// Grants that were open and no longer are (their codes were issued under the old CA).
        public var invalidatedGrants: [String]
        /// Whether a running router took the new trust (false: none runs; its next start loads it).
        public var routerReloaded: Bool
    }

    public enum Failure: Error, CustomStringConvertible {
        case noCA(site: String, folder: String)

        public var description: String {
            switch self {
            case .noCA(let site, let folder): "site \(site) has no CA in \(folder); nothing to revoke"
            }
        }
    }

    /// Rotates the CA of `site`; certificates of the old one stay trusted for `overlap` seconds.
    public static func revoke(site: String, stateDirectory: StateDirectory, overlap: TimeInterval, now: Date = Date()) throws -> Outcome {
        let pki = SitePKI(stateDirectory: stateDirectory.path)
        guard !pki.inspectCA(now: now).isMissing else { throw Failure.noCA(site: site, folder: pki.caFolder) }
        let previousSerial = try pki.loadCA().certificate.serialHex
        let book = try? GrantBook.load(stateDirectory: stateDirectory.path)
        let open = book?.grants.values.filter { $0.state(now: now, caSerial: previousSerial) == .open }.map(\.name) ?? []
        let rotation = try pki.rotateCA(site: site, overlap: overlap, now: now)
        let certificates = SitePlanning.certificates(stateDirectory, now: now), trust = pki.inspectTrust(now: now)
        let credentials = pki.inspectCertificates(now: now)
        let reloaded = RouterSupervisor(stateDirectory: stateDirectory).update { config in
            let served = config.serverCredentials.flatMap { credentials[$0]?.report }
            config.tlsRevision = SitePlanning.tlsRevision(certificates: certificates, trust: trust, served: served)
        }
        return Outcome(rotation: rotation, invalidatedGrants: open.sorted(), routerReloaded: reloaded)
    }
}
