import SkiffModel
import Testing

/// YAML as Skupper v2 users write it and as `kubectl get -o yaml` / `skupper ... -o yaml` print it
/// loads unchanged: namespaces, generated metadata, status sections, string ports.
@Suite("Skupper v2 YAML loads unchanged")
struct SkupperCompatibilityTests {
    static let skupperSite = """
        apiVersion: skupper.io/v2alpha1
        kind: Site
        metadata:
          name: west
          namespace: default
          uid: 6b1f7c1e-0d2a-4c55-9bbf-2f4f0b1c9a10
          resourceVersion: "12345"
          creationTimestamp: "2025-01-10T09:00:00Z"
          generation: 1
        spec:
          linkAccess: default
          ha: false
          serviceAccount: skupper-router
          settings:
            router-logging: info
        status:
          status: Ready
          message: OK
          sitesInNetwork: 2
          conditions:
            - type: Ready
              status: "True"
        ---
        apiVersion: skupper.io/v2alpha1
        kind: Listener
        metadata:
          name: backend
          namespace: default
        spec:
          host: backend
          port: 8080
          routingKey: backend
        status:
          hasMatchingConnector: true
        ---
        apiVersion: skupper.io/v2alpha1
        kind: AccessGrant
        metadata:
          name: my-grant
        spec:
          redemptionsAllowed: 2
          expirationWindow: 25m
        ---
        apiVersion: skupper.io/v2alpha1
        kind: RouterAccess
        metadata:
          name: skupper-router
        spec:
          generateTlsCredentials: true
          issuer: skupper-site-ca
          roles:
            - name: inter-router
              port: 55671
            - name: edge
              port: 45671
          tlsCredentials: skupper-site-server
        """

    static let skupperEast = """
        apiVersion: skupper.io/v2alpha1
        kind: Site
        metadata:
          name: east
        ---
        apiVersion: skupper.io/v2alpha1
        kind: Connector
        metadata:
          name: backend
        spec:
          host: 127.0.0.1
          port: 9090
          routingKey: backend
          selector: app=backend
        ---
        apiVersion: skupper.io/v2alpha1
        kind: Link
        metadata:
          name: link-west
        spec:
          cost: 1
          endpoints:
            - group: skupper-router
              host: west.example.com
              name: inter-router
              port: "55671"
            - group: skupper-router
              host: west.example.com
              name: edge
              port: "45671"
          tlsCredentials: link-west
        ---
        apiVersion: skupper.io/v2alpha1
        kind: AccessToken
        metadata:
          name: token-to-west
        spec:
          ca: |
            -----BEGIN CERTIFICATE-----
            MIIDNzCCAh+gAwIBAgIRAKx7...
            -----END CERTIFICATE-----
          code: 9lkHdS2CRGF3QpqO9mN8AbWT
          url: https://10.0.0.5:9090/2a3fd2a1-32f4-4b35-8b0c-b6fbd3c0f1e9
        """

    @Test("sample Skupper resources of every kind validate with no finding but the expected endpoint warning")
    func loadsUnchanged() throws {
        let (network, diagnostics) = load([("west/skupper.yaml", Self.skupperSite), ("east/skupper.yaml", Self.skupperEast)])
        #expect(diagnostics.errors.isEmpty, "\(diagnostics)")
        #expect(Set(network.sites["west"]!.resources.map(\.kind)) == [.site, .listener, .accessGrant, .routerAccess])
        #expect(Set(network.sites["east"]!.resources.map(\.kind)) == [.site, .connector, .link, .accessToken])
        let link = LinkSpec(try #require(network.sites["east"]?.resources(of: .link).first).spec)
        #expect(link.endpoints.map(\.port) == [55671, 45671])
        let grant = AccessGrantSpec(try #require(network.sites["west"]?.resources(of: .accessGrant).first).spec)
        #expect(grant.redemptionsAllowed == 2 && grant.expirationWindow == 25 * 60)
    }
}
