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

    /// `extra`: more spec lines, indented (`tlsCredentials: web-tls`).
    public static func listener(_ name: String, routingKey: String? = nil, host: String = "127.0.0.1", port: Int, extra: [String] = []) -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: Listener
        metadata:
          name: \(name)
        spec:
          routingKey: \(routingKey ?? name)
          host: \(host)
          port: \(port)
        """ + extra.map { "\n  " + $0 }.joined()
    }

    /// `extra`: more spec lines (`tlsCredentials: to-backend`, `useClientCert: true`).
    public static func connector(_ name: String, routingKey: String? = nil, host: String = "127.0.0.1", port: Int, extra: [String] = []) -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: Connector
        metadata:
          name: \(name)
        spec:
          routingKey: \(routingKey ?? name)
          host: \(host)
          port: \(port)
        """ + extra.map { "\n  " + $0 }.joined()
    }

    /// A Certificate the site issues; `ca` nil: the site's own CA (`skupper-site-ca`).
    public static func certificate(_ name: String, ca: String? = nil, subject: String? = nil, hosts: [String] = [], client: Bool = false,
                                   server: Bool = false, signing: Bool = false) -> String
    {
        var spec = ["ca: \(ca ?? "skupper-site-ca")", "subject: \(subject ?? name)"]
        if !hosts.isEmpty { spec.append("hosts: [\(hosts.map { "\"\($0)\"" }.joined(separator: ", "))]") }
        if client { spec.append("client: true") }
        if server { spec.append("server: true") }
        if signing { spec.append("signing: true") }
        return """
            apiVersion: skupper.io/v2alpha1
            kind: Certificate
            metadata:
              name: \(name)
            spec:
            """ + spec.map { "\n  " + $0 }.joined()
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

    /// `document` with `metadata.annotations` (keys sorted) after its `metadata.name`.
    public static func annotated(_ document: String, _ annotations: [String: String]) -> String {
        guard let name = document.range(of: "\nmetadata:\n  name: ") else { return document }
        let lineEnd = document[name.upperBound...].firstIndex(of: "\n") ?? document.endIndex
        let lines = annotations.keys.sorted().map { "\n    \($0): \"\(annotations[$0]!)\"" }.joined()
        return String(document[..<lineEnd]) + "\n  annotations:" + lines + String(document[lineEnd...])
    }

    public static func file(_ documents: String...) -> String {
        documents.joined(separator: "\n---\n") + "\n"
    }
}
