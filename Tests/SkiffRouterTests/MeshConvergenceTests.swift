import SkiffLink
import Foundation
import Logging
import NIOCore
import NIOPosix
import SkiffPKI
import SkiffRouter
import SkiffRouterAPI
import SkiffTestSupport
import Testing

/// Fifty routers in one process, linked in a random mesh over real TLS on loopback, converge on the
/// same shortest paths a pure computation finds. Reports the time and the link-state messages it took.
@Suite("Link-state convergence", .serialized)
struct MeshConvergenceTests {
    /// Fifty routers share two threads with whatever else the suite runs: a loop starved for 3 s
    /// must not flap links, since this test is about convergence, not failure detection.
    static let tuning: RouterTuning = {
        var tuning = RouterTuning.defaults
        tuning.keepaliveTimeout = 15
        return tuning
    }()

    // 50 router processes, each several times slower and larger under a sanitizer, outgrow a
    // 2-core machine; the same routing code runs under the sanitizers in RoutingTests and MultiHopTests.
    @Test("50 routers in a random mesh converge; time and control messages reported",
          .disabled(if: testSlowdown > 1, "too heavy under a sanitizer (SKIFF_TEST_SLOWDOWN)"))
    func fiftyRouters() throws {
        try HeavyTests.oneAtATime {
            let count = 50
            let root = try TemporaryDirectory("skiff-mesh50")
            let template = root.path + "/template"
            let pki = SitePKI(stateDirectory: template)
            let ca = try pki.createCA(site: "mesh")

            var generator = SeededGenerator(seed: 7)
            let names = (0..<count).map { String(format: "r%02d", $0) }
            var edges: [(String, String, Int)] = []
            for index in 1..<count {
                let targets = Set((0..<2).map { _ in Int.random(in: 0..<index, using: &generator) })
                for target in targets { edges.append((names[index], names[target], Int.random(in: 1...5, using: &generator))) }
            }
            // One backend answers for every router's connector (each router tries its connector
            // when configured, and offers the key only when it answers).
            let echo = try BackgroundProcess("/usr/bin/env", ["python3", TwoSites.root + "/Tests/Tools/echo_server.py"])
            let echoPort = try #require(echo.firstLine().flatMap { Int($0) })
            var configs: [String: RouterConfig] = [:]
            var ports: [String: Int] = [:]
            for name in names {
                try FileManager.default.createDirectory(atPath: root.path + "/" + name, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: template + "/pki", toPath: root.path + "/\(name)/pki")
                let own = SitePKI(stateDirectory: root.path + "/" + name)
                try own.issueServerCertificate(site: name, hosts: ["127.0.0.1"])
                try PEMFiles.writeCredential(try own.issueClientCertificate(link: "mesh", site: "mesh", to: name), ca: ca.certificate,
                                             to: own.linkFolder("mesh"))
                ports[name] = try FreePort.next()
                configs[name] = RouterConfig(site: name, linkAccess: [.init(role: "inter-router", host: "127.0.0.1", port: ports[name]!)],
                                             connectors: [.init(name: "svc-\(name)", routingKey: "svc-\(name)", host: "127.0.0.1", port: echoPort)],
                                             tuning: Self.tuning)
            }
            for (from, to, cost) in edges {
                configs[from]!.links.append(.init(name: "to-\(to)", host: "127.0.0.1", port: ports[to]!, cost: cost, credentials: "mesh"))
            }

            let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
            var logger = Logger(label: "mesh")
            logger.logLevel = .critical
            let routers = names.map { Router(stateDirectory: root.path + "/" + $0, loop: group.next(), logger: logger) }
            defer {
                for router in routers { try? router.shutdown().wait() }
                try? group.syncShutdownGracefully()
            }
            // The routes a pure computation finds over the true topology: converged means every
            // router has exactly these costs (not merely a route to everyone — under load a link may
            // flap, and a router then briefly routes the long way round).
            var truth: [String: LinkStateAdvert] = [:]
            for name in names {
                let neighbours = edges.compactMap { edge -> LinkStateAdvert.Neighbour? in
                    if edge.0 == name { return .init(site: edge.1, cost: edge.2) }
                    if edge.1 == name { return .init(site: edge.0, cost: edge.2) }
                    return nil
                }
                truth[name] = LinkStateAdvert(origin: name, sequence: 1, neighbours: neighbours, keys: [])
            }
            let expected = Dictionary(uniqueKeysWithValues: names.map { name in
                (name, RouteComputation.routes(from: name, adverts: truth).routes.mapValues(\.cost))
            })
            let start = Date()
            for (router, name) in zip(routers, names) { try router.apply(configs[name]!).wait() }
            let started = Date()

            func costs(_ status: RouterStatus) -> [String: Int] {
                Dictionary(uniqueKeysWithValues: (status.routing?.routes ?? []).map { ($0.destination, $0.cost) })
            }
            func converged() -> Bool {
                zip(routers, names).allSatisfy { router, name in
                    guard let status = try? router.status().wait(), let routing = status.routing else { return false }
                    return costs(status) == expected[name] && routing.services.count == count
                }
            }
            let done = eventually(timeout: 60, converged)
            let seconds = Date().timeIntervalSince(started)
            let statuses = try routers.map { try $0.status().wait() }
            let messages = statuses.reduce(0) { $0 + ($1.routing?.linkStateSent ?? 0) }
            let wrong = zip(names, statuses).filter { costs($1) != expected[$0] }.map(\.0)
            #expect(done, "every router's route costs match the pure computation within 60 s; still wrong: \(wrong)")
            print("mesh: \(count) routers, \(edges.count) links: all started in \(String(format: "%.2f", started.timeIntervalSince(start))) s, "
                + "converged \(String(format: "%.2f", seconds)) s after the last start, \(messages) link-state messages in all")
        }
    }
}
