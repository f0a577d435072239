@testable import SkiffAccessHTTPS
import SkiffReconcile

/// A token file as `skiff token redeem FILE` reads it, up to the point where it would dial: the
/// resource, then its URL and CA as the redemption client reads them.
enum TokenFileFuzzer {
    static func run(_ input: [UInt8]) -> FuzzOutcome {
        do {
            let file = try ManualRedemption.token(in: input, path: "token.yaml", site: "west")
            _ = try RedemptionClient.prepare(file.token, site: "west", link: file.name)
            return FuzzOutcome(accepted: true, detail: "token \(file.name) for \(file.token.url)")
        } catch {
            return FuzzOutcome(accepted: false, detail: "\(error)")
        }
    }
}
