import ArgumentParser
import Foundation
import SkiffAccess
import SkiffModel
import SkiffPKI

struct RevokeAccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke-access",
        abstract: "Rotate a site's CA so that every token and link credential issued before stops working.",
        discussion: """
            Creates a new site CA and reissues the router's server certificate with the same names. \
            Client certificates issued by the previous CA are refused on inbound links once the overlap \
            (default 0: at once) has passed; sites that link here need new tokens.

            Example: skiff revoke-access --site west --overlap 1h
            """
    )

    @OptionGroup var siteOptions: SiteOptions
    @OptionGroup var lockOptions: LockOptions

    @Option(name: .long, help: ArgumentHelp("How long the previous CA stays trusted (a duration such as 30m or 720h).", valueName: "duration"))
    var overlap: String = "0s"

    func validate() throws {
        guard GoDuration.seconds(parsing: overlap) != nil else {
            throw ValidationError("--overlap expects a duration such as 0s, 30m or 720h, got \"\(overlap)\"")
        }
    }

    func run() throws {
        let lock = try lockOptions.lock(siteOptions, command: "skiff revoke-access", onlyIfExists: true)
        defer { withExtendedLifetime(lock) {} }
        let directory = siteOptions.stateDirectory
        let pki = SitePKI(stateDirectory: directory.path)
        guard !pki.inspectCA().isMissing else {
            throw ValidationError("site \(siteOptions.site) has no CA in \(pki.caFolder); nothing to revoke")
        }
        let now = Date()
        let previousSerial = try pki.loadCA().certificate.serialHex
        let book = try? GrantBook.load(stateDirectory: directory.path)
        let outstanding = (book?.grants.values.filter { $0.state(now: now, caSerial: previousSerial) == .open }.map(\.name) ?? []).sorted()
        let rotation = try pki.rotateCA(site: siteOptions.site, overlap: GoDuration.seconds(parsing: overlap) ?? 0, now: now)
        print("Rotated the CA of site \(siteOptions.site): serial \(rotation.previousSerial ?? "?") → \(rotation.newSerial).")
        if let until = rotation.previousTrustedUntil {
            print("Invalidated: every token and link credential issued by CA \(rotation.previousSerial ?? "?"); accepted until \(ISO8601DateFormatter().string(from: until)), refused after.")
        } else {
            print("Invalidated: every token and link credential issued by CA \(rotation.previousSerial ?? "?"); refused from now on.")
        }
        if rotation.serverReissued { print("Reissued the router's server certificate from the new CA (same names).") }
        print("Invalidated \(outstanding.count) outstanding grant\(outstanding.count == 1 ? "" : "s")"
            + (outstanding.isEmpty ? "." : " (\(outstanding.joined(separator: ", "))): refused from now on; the next apply serves them afresh, with new codes."))
        print("Sites that link to \(siteOptions.site) need a new token.")
    }
}
