import Foundation
import SkiffModel
import SkiffPKI
@testable import SkiffPlan
import SkiffTestSupport
import Testing

/// The credentials of Certificate resources, planned from values: what git asks, what is on disk.
@Suite("Planning the credentials of Certificates")
struct CredentialsPlannerTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let siteCA = "ca-serial-1"

    /// Credentials on disk issued for `certificate` (as git has it now), healthy, signed by `issuerSerial`.
    static func issued(_ certificate: String, in site: DesiredSite, issuerSerial: String = siteCA, serial: String = "s1",
                       notBefore: Date = now - 86400, notAfter: Date = now + 300 * 86400, problems: [PKIError] = []) -> IssuedCredentials
    {
        let resource = site.resources(of: .certificate).first { $0.name == certificate }!
        return IssuedCredentials(report: CredentialReport(folder: "pki/certificates/\(certificate)", problems: problems,
                                                          notBefore: notBefore, notAfter: notAfter, serial: serial),
                                 issued: IssuedRecord(request: CredentialsPlanner.request(resource, in: site), issuerSerial: issuerSerial),
                                 caSerial: issuerSerial)
    }

    static func plan(_ site: DesiredSite, _ live: [String: IssuedCredentials], siteCA: String? = siteCA) -> CertificatePlanner.Outcome {
        CredentialsPlanner.plan(site: site, live: live, siteCASerial: siteCA, now: now)
    }

    static func lines(_ outcome: CertificatePlanner.Outcome) -> [String] {
        outcome.actions.map(\.description)
    }

    @Test("missing credentials are issued, CAs before what they sign; a Certificate that issues nothing is skipped")
    func missing() {
        let site = PlannerTests.site(Fixtures.certificate("web", ca: "apps-ca", hosts: ["web"], server: true),
                                     Fixtures.certificate("apps-ca", signing: true), Fixtures.certificate("nothing"))
        #expect(Self.lines(Self.plan(site, [:])) == ["create Credentials/apps-ca (missing)", "create Credentials/web (missing)"])
    }

    @Test("credentials as git asks plan nothing; changed in git, damaged, or due for renewal, they are issued again")
    func reissue() throws {
        let site = PlannerTests.site(Fixtures.certificate("web", hosts: ["web", "10.0.0.1"], server: true))
        #expect(Self.plan(site, ["web": Self.issued("web", in: site)]).actions.isEmpty)
        let renamed = PlannerTests.site(Fixtures.certificate("web", hosts: ["web.example", "10.0.0.1"], server: true))
        #expect(Self.lines(Self.plan(renamed, ["web": Self.issued("web", in: site)]))
            == ["update Credentials/web (changed in git: hosts 10.0.0.1,web → 10.0.0.1,web.example)"])
        let damaged = Self.issued("web", in: site, problems: [.missingFile(path: "pki/certificates/web/tls.key")])
        #expect(Self.lines(Self.plan(site, ["web": damaged])) == ["update Credentials/web (drift: pki/certificates/web/tls.key: missing)"])
        let ageing = Self.issued("web", in: site, notBefore: Self.now - 300 * 86400, notAfter: Self.now + 20 * 86400)
        #expect(Self.lines(Self.plan(site, ["web": ageing])) == ["update Credentials/web (expires in 20 days)"])
    }

    @Test("a certificate its CA no longer signs (the site CA rotated, or its signing Certificate issued again) is issued again")
    func issuerChanged() {
        let site = PlannerTests.site(Fixtures.certificate("web", ca: "apps-ca", server: true), Fixtures.certificate("apps-ca", signing: true),
                                     Fixtures.certificate("db", server: true))
        let live = ["web": Self.issued("web", in: site, issuerSerial: "apps-1"), "apps-ca": Self.issued("apps-ca", in: site, serial: "apps-1"),
                    "db": Self.issued("db", in: site)]
        #expect(Self.plan(site, live).actions.isEmpty)
        #expect(Self.lines(Self.plan(site, live, siteCA: "ca-serial-2"))
            == ["update Credentials/db (changed: signed by a CA that skupper-site-ca no longer is (rotated))"])
        var damagedCA = live
        damagedCA["apps-ca"] = Self.issued("apps-ca", in: site, serial: "apps-1", problems: [.missingFile(path: "pki/certificates/apps-ca/tls.key")])
        #expect(Self.lines(Self.plan(site, damagedCA)) == ["update Credentials/apps-ca (drift: pki/certificates/apps-ca/tls.key: missing)",
                                                           "update Credentials/web (changed: its CA apps-ca is issued again)"])
    }

    @Test("credentials Skiff issued whose Certificate left git are removed; credentials placed by hand never are, nor overwritten")
    func byHand() {
        let site = PlannerTests.site(Fixtures.certificate("web", server: true))
        let old = PlannerTests.site(Fixtures.certificate("gone", server: true))
        let byHand = IssuedCredentials(report: CredentialReport(folder: "pki/certificates/mine", serial: "x"), issued: nil, caSerial: nil)
        let outcome = Self.plan(site, ["gone": Self.issued("gone", in: old), "mine": byHand, "web": byHand])
        #expect(Self.lines(outcome) == ["delete Credentials/gone (pruned: Certificate gone no longer in git)"])
        #expect(outcome.problems.map(\.message) == [
            "pki/certificates/web holds credentials Skiff did not issue; move them away to let Certificate web issue its own, or rename the Certificate",
        ])
    }

    @Test("a ca that names neither a signing Certificate nor CA credentials on disk is an error at the Certificate")
    func unknownIssuer() {
        let site = PlannerTests.site(Fixtures.certificate("web", ca: "nowhere", server: true))
        let outcome = Self.plan(site, [:])
        #expect(outcome.actions.isEmpty)
        #expect(outcome.problems.first?.description.hasSuffix(
            "spec.ca: nowhere is neither a signing Certificate in west/ nor CA credentials in pki/certificates/nowhere (tls.crt, tls.key)") == true,
            "\(outcome.problems)")
    }
}
