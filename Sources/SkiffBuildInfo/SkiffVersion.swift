/// What this build of Skiff is: its release number and the git commit it was built from.
public enum SkiffVersion {
    /// The release number (semantic versioning).
    public static let number = "0.1.0"
    /// The full commit id (`BuildInfoPlugin` writes it at build time), or "unknown".
    public static let commit = BuildInfo.commit
    /// The resolved versions of the packages that carry the wire: swift-nio, swift-nio-ssl (whose
    /// BoringSSL does the TLS), swift-crypto, swift-certificates.
    public static let packages = BuildInfo.packages

    /// `0.1.0 (1a2b3c4d5e6f)`: the number, and the commit's first 12 digits when known.
    public static var description: String {
        commit == "unknown" ? number : "\(number) (\(commit.prefix(12)))"
    }
}
