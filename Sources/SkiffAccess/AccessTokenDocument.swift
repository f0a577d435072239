import Foundation

/// The AccessToken a grant yields, as YAML to hand to the other site's owner: commit it into that
/// site's folder, or redeem it by hand with `skiff token redeem`.
public enum AccessTokenDocument {
    public static func render(name: String, grant: String, url: String, code: String, ca: String, grantingSite: String, expiresAt: String) -> String {
        let caLines = ca.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
        return """
        # An AccessToken from site \(grantingSite)'s grant \(grant); it expires at \(expiresAt).
        # It is a secret until redeemed: whoever holds it may link to \(grantingSite).
        apiVersion: skupper.io/v2alpha1
        kind: AccessToken
        metadata:
          name: \(name)
        spec:
          url: \(url)
          code: \(code)
          ca: |
        \(caLines)

        """
    }
}
