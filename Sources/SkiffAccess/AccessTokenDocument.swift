import Foundation

/// The AccessToken a grant yields, as YAML to hand to the other site's owner: commit it into that
/// site's folder, or redeem it by hand with `skiff token redeem`.
public enum AccessTokenDocument {
    /// `annotations` go under `metadata.annotations` (the reconciler names the granting site there).
    public static func render(name: String, grant: String, url: String, code: String, ca: String, grantingSite: String, expiresAt: String,
                              annotations: [String: String] = [:]) -> String {
        let annotationLines = annotations.isEmpty ? ""
            : "\n  annotations:" + annotations.sorted { $0.key < $1.key }.map { "\n    \($0.key): \($0.value)" }.joined()
        let caLines = ca.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
        return """
        # An AccessToken from site \(grantingSite)'s grant \(grant); it expires at \(expiresAt).
        # It is a secret until redeemed: whoever holds it may link to \(grantingSite).
        apiVersion: skupper.io/v2alpha1
        kind: AccessToken
        metadata:
          name: \(name)\(annotationLines)
        spec:
          url: \(url)
          code: \(code)
          ca: |
        \(caLines)

        """
    }
}
