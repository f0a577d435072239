import SkiffSupport
import Testing

@Suite("HostPort: addresses as flags take them and messages show them")
struct HostPortTests {
    @Test("parse: IPv4, names, bracketed IPv6, a bare port; bad ports are refused")
    func parse() {
        #expect(HostPort.parse("127.0.0.1:8080")! == ("127.0.0.1", 8080))
        #expect(HostPort.parse("[::1]:8443")! == ("::1", 8443))
        #expect(HostPort.parse("example.com:443")! == ("example.com", 443))
        #expect(HostPort.parse(":9000")! == ("", 9000))
        for bad in ["127.0.0.1", "[::1]:0", "host:65536", "host:http"] { #expect(HostPort.parse(bad) == nil, "\(bad)") }
    }

    @Test("format: IPv6 literals in brackets, everything else as written; parse reads back what format writes")
    func format() {
        #expect(HostPort.format("::1", 8080) == "[::1]:8080")
        #expect(HostPort.format("fe80::1", 1) == "[fe80::1]:1")
        #expect(HostPort.format("127.0.0.1", 8080) == "127.0.0.1:8080")
        #expect(HostPort.format("localhost", 80) == "localhost:80")
        for (host, port) in [("::1", 8080), ("10.0.0.1", 1), ("db.internal", 5432)] {
            #expect(HostPort.parse(HostPort.format(host, port))! == (host, port))
        }
    }
}
