import SkiffModel
import SkiffPKI

/// Plans the credentials of Links trusted through git (`pki/links/<name>/`): a client certificate
/// from this site's own CA and the peer's public CA from the repository. Skiff makes them itself,
/// so everything wrong with them is planned, not reported: missing, the peer's CA changed in git,
/// this site's CA rotated, damaged, or due for renewal.
public enum TrustedLinkPlanning {
    /// `onDisk`: what `pki/links/` holds, by folder name.
    public static func actions(site: DesiredSite, onDisk: [String: TrustedLinkReport]) -> [PlanAction] {
        site.trustedLinks.keys.sorted().compactMap { name in
            let link = site.trustedLinks[name]!
            let target = PlanTarget.linkCredentials(name)
            guard let found = onDisk[name], !found.isMissing else {
                return PlanAction(verb: .create, target: target,
                                  reason: PlanReason(.addedInGit, "Link/\(name) to \(link.peer), trusted through \(link.peer)/\(SiteTrust.caFileName)"))
            }
            guard let reason = reason(found, link: link, site: site.name) else { return nil }
            return PlanAction(verb: .update, target: target, reason: reason)
        }
    }

    private static func reason(_ found: TrustedLinkReport, link: TrustedLink, site: String) -> PlanReason? {
        if found.peerCADigest != SitePKI.digest(link.peerCA.pem) {
            return .changedInGit("\(link.peer)/\(SiteTrust.caFileName)")
        }
        if found.credential.problems.contains(where: { if case .notIssuedByCA = $0 { true } else { false } }) {
            return .changed("this site's CA was rotated")
        }
        if let problem = found.credential.problems.first { return .drift("\(problem)") }
        if found.credential.site != site { return .drift("its certificate names \(found.credential.site.map { "site \($0)" } ?? "no site")") }
        if found.renewalDue { return PlanReason(.renewal, "renewal due") }
        return nil
    }
}
