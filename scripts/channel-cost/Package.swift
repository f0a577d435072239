// swift-tools-version:6.0
// What a NIO channel per connection costs a server, against its own epoll loop on raw sockets
// (`make bench-channel`, scripts/bench-channel.sh). A package of its own: the product never builds it.
import PackageDescription

let package = Package(
    name: "channel-cost",
    dependencies: [.package(url: "https://github.com/apple/swift-nio", from: "2.101.0")],
    targets: [
        .target(name: "CSocketBench"),
        .executableTarget(name: "channel-cost", dependencies: [
            "CSocketBench",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
    ]
)
