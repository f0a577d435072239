/// Small, valid resource documents for tests to build networks from.
public enum Fixtures {
    public static func site(_ name: String, linkAccess: String? = nil, edge: Bool = false, settings: [String: String] = [:]) -> String {
        var spec: [String] = []
        if let linkAccess { spec.append("  linkAccess: \(linkAccess)") }
        if edge { spec.append("  edge: true") }
        if !settings.isEmpty {
            spec.append("  settings:")
            spec += settings.keys.sorted().map { "    \($0): \"\(settings[$0]!)\"" }
        }
        return """
            apiVersion: skupper.io/v2alpha1
            kind: Site
            metadata:
              name: \(name)
            \(spec.isEmpty ? "" : "spec:\n" + spec.joined(separator: "\n"))
            """
    }

    public static func listener(_ name: String, routingKey: String? = nil, host: String = "127.0.0.1", port: Int) -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: Listener
        metadata:
          name: \(name)
        spec:
          routingKey: \(routingKey ?? name)
          host: \(host)
          port: \(port)
        """
    }

    public static func connector(_ name: String, routingKey: String? = nil, host: String = "127.0.0.1", port: Int) -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: Connector
        metadata:
          name: \(name)
        spec:
          routingKey: \(routingKey ?? name)
          host: \(host)
          port: \(port)
        """
    }

    public static func routerAccess(_ name: String = "skupper-router", host: String = "127.0.0.1", port: Int = 55671) -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: RouterAccess
        metadata:
          name: \(name)
        spec:
          roles:
            - name: inter-router
              port: \(port)
          subjectAlternativeNames: [\(host)]
        """
    }

    public static func link(_ name: String, host: String = "127.0.0.1", port: Int = 55671, cost: Int? = nil) -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: Link
        metadata:
          name: \(name)
        spec:
          endpoints:
            - name: inter-router
              host: \(host)
              port: "\(port)"
        \(cost.map { "  cost: \($0)" } ?? "")
        """
    }

    /// Documents joined into one multi-document file.
    public static func grant(_ name: String, redemptionsAllowed: Int = 1, expirationWindow: String = "15m") -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: AccessGrant
        metadata:
          name: \(name)
        spec:
          redemptionsAllowed: \(redemptionsAllowed)
          expirationWindow: \(expirationWindow)
        """
    }

    public static func file(_ documents: String...) -> String {
        documents.joined(separator: "\n---\n") + "\n"
    }
}
