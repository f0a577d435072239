import ArgumentParser
import Foundation
import SkiffModel
import SkiffPlan
import SkiffReconcile

struct RevokeAccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke-access",
        abstract: "Rotate a site's CA so that every token and link credential issued before stops working.",
        discussion: """
            Creates a new site CA and reissues the router's server certificate with the same names. \
            Client certificates issued by the previous CA are refused once the overlap (default 0: at \
            once) has passed: a running router is told at once and closes the links that presented them \
            (or, with an overlap, the next apply or daemon pass after it ends does). Sites that link \
            here need new tokens.

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
        let site = siteOptions.site
        let outcome: AccessRevocation.Outcome
        do {
            outcome = try AccessRevocation.revoke(site: site, stateDirectory: siteOptions.stateDirectory,
                                                  overlap: GoDuration.seconds(parsing: overlap) ?? 0)
        } catch let failure as AccessRevocation.Failure {
            throw ValidationError(failure.description)
        }
        let rotation = outcome.rotation
        let previous = rotation.previousSerial ?? "?"
        print("Rotated the CA of site \(site): serial \(previous) → \(rotation.newSerial).")
        if let until = rotation.previousTrustedUntil {
            print("Invalidated: every token and link credential issued by CA \(previous); accepted until \(ISO8601DateFormatter().string(from: until)), refused after.")
        } else {
            print("Invalidated: every token and link credential issued by CA \(previous); refused from now on.")
        }
        if rotation.serverReissued { print("Reissued the router's server certificate from the new CA (same names).") }
        if outcome.routerReloaded {
            print(rotation.previousTrustedUntil == nil
                ? "The router reloaded its trust and closed the links that presented those credentials."
                : "The router reloaded its certificates; links that present the old credentials are closed when the overlap ends (at the next apply or daemon pass after it).")
        }
        let grants = outcome.invalidatedGrants
        print("Invalidated \(grants.count) outstanding grant\(grants.count == 1 ? "" : "s")"
            + (grants.isEmpty ? "." : " (\(grants.joined(separator: ", "))): refused from now on; the next apply serves them afresh, with new codes."))
        print("Sites that link to \(site) need a new token.")
    }
}
