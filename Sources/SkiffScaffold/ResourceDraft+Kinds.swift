import SkiffModel

/// The resources scaffolding writes, from the flags Skupper's CLI gives the same verbs.
extension ResourceDraft {
    /// A Site; `linkAccess` writes `linkAccess: default` (Skupper's `--enable-link-access`);
    /// `settings` are Skiff's site settings (`grant-server`), in the order given.
    public static func site(_ name: String, linkAccess: Bool, edge: Bool, settings: [(String, String)] = []) throws -> ResourceDraft {
        var spec: [Field] = []
        if linkAccess { spec.append(Field("linkAccess", .string("default"))) }
        if edge { spec.append(Field("edge", .bool(true))) }
        if !settings.isEmpty { spec.append(Field("settings", .mapping(settings.map { Field($0.0, .string($0.1)) }))) }
        return try ResourceDraft(kind: .site, name: name, spec: spec)
    }

    /// Where the site accepts links when the default (every address, ports 55671 and 45671) is not
    /// enough: Skupper's `--bind-host` and `--subject-alternative-names` outside Kubernetes.
    public static func routerAccess(bindHost: String?, subjectAlternativeNames: [String]) throws -> ResourceDraft {
        var spec: [Field] = [Field("roles", .list([
            .mapping([Field("name", .string("inter-router")), Field("port", .int(55671))]),
            .mapping([Field("name", .string("edge")), Field("port", .int(45671))]),
        ]))]
        if let bindHost { spec.append(Field("bindHost", .string(bindHost))) }
        if !subjectAlternativeNames.isEmpty { spec.append(Field("subjectAlternativeNames", .list(subjectAlternativeNames.map { .string($0) }))) }
        return try ResourceDraft(kind: .routerAccess, name: "skupper-router", spec: spec, comment: "Where other sites dial this one.")
    }

    /// A Listener or a Connector (the two ends of a routing key: the same fields); the routing
    /// key defaults to the name, as Skupper's does.
    /// `tlsCredentials`: the credentials it speaks TLS to its application with (Skupper's `--tls-credentials`).
    public static func service(_ kind: ResourceKind, _ name: String, port: Int, routingKey: String?, host: String, type: String,
                               tlsCredentials: String? = nil) throws -> ResourceDraft
    {
        try ResourceDraft(kind: kind, name: name, spec: [
            Field("routingKey", .string(routingKey ?? name)),
            Field("host", .string(host)),
            Field("port", .int(port)),
        ] + (type == "tcp" ? [] : [Field("type", .string(type))]) + (tlsCredentials.map { [Field("tlsCredentials", .string($0))] } ?? []))
    }

    /// An AccessGrant (what Skupper's `token issue` creates before it prints the token).
    public static func grant(_ name: String, redemptionsAllowed: Int, expirationWindow: String) throws -> ResourceDraft {
        try ResourceDraft(kind: .accessGrant, name: name, spec: [
            Field("redemptionsAllowed", .int(redemptionsAllowed)),
            Field("expirationWindow", .string(expirationWindow)),
        ], comment: "Lets other sites link here: skiff token issue \(name) turns it into a token.")
    }
}
