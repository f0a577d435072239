// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "skiff",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "skiff", targets: ["skiff"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // Plumbing every module shares: durable atomic file writes.
        .target(name: "SkiffSupport"),
        // Which commits may be applied: SSH signatures (SSHSIG, swift-crypto) against an
        // allowed_signers file, OpenPGP signatures through gpgv.
        .target(name: "SkiffTrust", dependencies: [
            "SkiffSource",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        // The release number and the git commit of this build (written by BuildInfoPlugin).
        .target(name: "SkiffBuildInfo", plugins: ["BuildInfoPlugin"]),
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        .target(
            name: "SkiffModel",
            dependencies: ["SkiffSupport", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "SkiffSource",
            dependencies: ["CGit2", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "SkiffPKI",
            dependencies: [
                "SkiffSupport",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // The router's API as its clients see it, Foundation only: configuration, status, the
        // management client and the files of a router process. The reconciler and planner use it.
        .target(name: "SkiffRouterAPI", dependencies: ["SkiffSupport", "SkiffTelemetry"]),
        // Plumbing the NIO servers share: one HTTP/1 exchange handler, one TLS policy.
        .target(
            name: "SkiffNetSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Access grants and tokens as data and rules: grant records and the grant book, the token
        // ledger, token files, redemption messages and refusals. No network, no NIO.
        .target(
            name: "SkiffAccess",
            dependencies: [
                "SkiffPKI", "SkiffRouterAPI", "SkiffSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Access over HTTPS: the grant server a router hosts and the client that redeems a token.
        .target(
            name: "SkiffAccessHTTPS",
            dependencies: [
                "SkiffAccess", "SkiffPKI", "SkiffRouterAPI", "SkiffNetSupport", "SkiffSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Scaffolding: resources written as files in a work tree (and committed when asked), never
        // applied; the CLI's create and delete verbs.
        .target(
            name: "SkiffScaffold",
            dependencies: ["SkiffModel", "SkiffSource", "SkiffSupport", .product(name: "Yams", package: "Yams")]
        ),
        // The network's figures as values, Foundation only: site summaries (the SUMMARY frame's
        // payload) and their limits, the network view assembled from them, throughput history.
        .target(name: "SkiffTelemetry"),
        // glibc's heap figures (mallinfo2), which Swift's Glibc module does not export.
        .target(name: "CMallocInfo"),
        // epoll and eventfd for the connector dialler's thread (Glibc's module has neither).
        .target(name: "CEpoll"),
        // The link layer: wire format, the multiplexer's state machine (link and streams as values),
        // and the handlers that move a flow's bytes. NIOCore only (and the standard library's JSON).
        .target(
            name: "SkiffLink",
            dependencies: [
                "SkiffTelemetry",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SkiffRouter",
            dependencies: [
                "SkiffBuildInfo", "CEpoll",
                "SkiffLink", "SkiffRouterAPI", "SkiffNetSupport", "SkiffPKI", "SkiffSupport", "SkiffTelemetry",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The router process: the router and the grant server side by side, pid file, signals,
        // the process's memory in status.
        .target(
            name: "SkiffRouterHost",
            dependencies: [
                "SkiffRouter", "SkiffRouterAPI", "SkiffAccess", "SkiffAccessHTTPS", "SkiffSupport", "SkiffTelemetry", "CMallocInfo",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The planner and what it reads and writes, pure of any network stack (no NIO, no TLS):
        // desired state, live state as values, the plan, certificate and router-config planning,
        // saved plans, the reports that render a plan.
        .target(
            name: "SkiffPlan",
            dependencies: [
                "SkiffModel", "SkiffSource", "SkiffPKI", "SkiffAccess", "SkiffRouterAPI", "SkiffSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "SkiffReconcile",
            dependencies: [
                "SkiffPlan", "SkiffModel", "SkiffSource", "SkiffPKI", "SkiffAccess", "SkiffAccessHTTPS", "SkiffRouterAPI", "SkiffNetSupport",
                "SkiffSupport", "SkiffTelemetry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The web console every site serves: the network view, services, sites, throughput and
        // GitOps state as a page (its assets embedded in the binary) and a JSON API, with access
        // rules for addresses beyond loopback.
        .target(
            name: "SkiffConsole",
            dependencies: [
                "SkiffRouterAPI", "SkiffTelemetry", "SkiffNetSupport", "SkiffPKI", "SkiffSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [
                .embedInCode("Assets/index.html"), .embedInCode("Assets/console.js"), .embedInCode("Assets/console.css"),
                .embedInCode("Assets/chart.min.js"), .embedInCode("Assets/chart.js.LICENSE"),
            ]
        ),
        .executableTarget(
            name: "skiff",
            dependencies: [
                "SkiffModel", "SkiffSource", "SkiffPKI", "SkiffAccess", "SkiffAccessHTTPS", "SkiffRouterAPI", "SkiffRouterHost", "SkiffPlan",
                "SkiffReconcile", "SkiffScaffold", "SkiffSupport", "SkiffBuildInfo", "SkiffTrust", "SkiffTelemetry", "SkiffConsole", "CGit2",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Fuzz targets (Tests/Fuzz): what a peer or a user controls, fed to the code that reads it.
        // `skiff-fuzz` is a libFuzzer binary when built by `make fuzz`, a replayer otherwise.
        .target(name: "SkiffFuzzTargets", dependencies: [
            "SkiffLink", "SkiffRouter", "SkiffRouterAPI", "SkiffAccess", "SkiffAccessHTTPS", "SkiffModel", "SkiffPlan", "SkiffReconcile", "SkiffTelemetry",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/Fuzz/Targets"),
        .executableTarget(name: "skiff-fuzz", dependencies: ["SkiffFuzzTargets"], path: "Tests/Fuzz/Driver"),
        // Helpers shared by the test targets: temporary folders, running programs, git fixtures.
        .target(name: "SkiffTestSupport", dependencies: [.product(name: "Crypto", package: "swift-crypto")], path: "Tests/SkiffTestSupport"),
        .testTarget(name: "SkiffSupportTests", dependencies: ["SkiffSupport", "SkiffTestSupport"]),
        .testTarget(name: "SkiffModelTests", dependencies: ["SkiffModel", "SkiffTestSupport"]),
        .testTarget(name: "SkiffSourceTests", dependencies: ["SkiffSource", "SkiffTestSupport"]),
        .testTarget(name: "SkiffPKITests", dependencies: ["SkiffPKI", "SkiffTestSupport"]),
        .testTarget(name: "SkiffTelemetryTests", dependencies: ["SkiffTelemetry"]),
        .testTarget(name: "SkiffConsoleTests", dependencies: [
            "SkiffConsole", "SkiffNetSupport", "SkiffPKI", "SkiffSupport", "SkiffTestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .testTarget(name: "SkiffLinkTests", dependencies: [
            "SkiffLink", "SkiffTelemetry",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ]),
        .testTarget(name: "SkiffRouterTests", dependencies: [
            "SkiffLink", "SkiffRouter", "SkiffRouterAPI", "SkiffNetSupport", "SkiffPKI", "SkiffTelemetry", "SkiffTestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ]),
        .testTarget(name: "SkiffAccessTests", dependencies: ["SkiffAccess", "SkiffAccessHTTPS", "SkiffRouterAPI", "SkiffPKI", "SkiffTestSupport", .product(name: "NIOPosix", package: "swift-nio")]),
        // The planner's tests link no network stack, as the planner does not.
        .testTarget(name: "SkiffPlanTests", dependencies: ["SkiffPlan", "SkiffModel", "SkiffSource", "SkiffPKI", "SkiffRouterAPI", "SkiffTestSupport"]),
        .testTarget(name: "SkiffReconcileTests", dependencies: [
            "SkiffReconcile", "SkiffPlan", "SkiffModel", "SkiffSource", "SkiffPKI", "SkiffRouterAPI", "SkiffSupport", "SkiffTestSupport",
            .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "SkiffTrustTests", dependencies: ["SkiffTrust", "SkiffSource", "SkiffTestSupport"]),
        .testTarget(name: "SkiffScaffoldTests", dependencies: ["SkiffScaffold", "SkiffModel", "SkiffTestSupport"]),
        .testTarget(name: "SkiffFuzzTests", dependencies: ["SkiffFuzzTargets"]),
        // The network lab (make test-netlab): sites in network namespaces of their own, as root.
        .testTarget(name: "SkiffNetlabTests", dependencies: ["skiff", "SkiffPKI", "SkiffRouterAPI", "SkiffSupport", "SkiffTestSupport"]),
        .testTarget(name: "SkiffCLITests", dependencies: [
            "skiff", "SkiffPKI", "SkiffAccess", "SkiffAccessHTTPS", "SkiffRouterAPI", "SkiffPlan", "SkiffReconcile", "SkiffSupport", "SkiffTestSupport", .product(name: "Crypto", package: "swift-crypto"),
        ]),
    ]
)
