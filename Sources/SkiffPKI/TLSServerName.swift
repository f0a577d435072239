/// The name a TLS client sends (SNI) and checks the server certificate against.
public enum TLSServerName {
    /// `host` itself for a DNS name; nil for an IP literal, which is not allowed in SNI and is
    /// checked against the certificate's IP SANs instead.
    public static func forHost(_ host: String) -> String? {
        IPAddressText.parse(host) == nil ? host : nil
    }
}
