/// The annotation `skiff token issue` puts on an AccessToken: the site whose grant issued it.
/// Skupper ignores it; Skiff uses it to refuse a token committed into the site that issued it.
public enum GrantingSite {
    public static let annotation = "skiff.io/granting-site"
}
