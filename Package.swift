// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "kiln",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kiln", targets: ["kiln"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // The domain: accounts, regions, resources and their rules. No HTTP, no SQL.
        .target(
            name: "KilnCore",
            dependencies: [
                "CXXHash",
                "KilnInspect",
                .product(name: "Crypto", package: "swift-crypto"),
                // RSA key pairs for CreateKeyPair.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Reading images without booting them: partition tables, a read-only ext4 reader, and
        // the rules that find secrets, build-machine state and waste in what they hold.
        .target(
            name: "KilnInspect",
            swiftSettings: swiftSettings
        ),
        // Wire shapes generated from the AWS models, and one generic codec per protocol.
        .target(
            name: "KilnWire",
            swiftSettings: swiftSettings
        ),
        // AWS Signature Version 4: reading, checking and making signatures.
        .target(
            name: "KilnSigV4",
            dependencies: [
                "KilnWire",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The system's xxHash library: XXH3-128, the digest that tells changed blocks apart.
        .systemLibrary(
            name: "CXXHash",
            pkgConfig: "libxxhash",
            providers: [.apt(["libxxhash-dev"])]
        ),
        // The system's zstd library, for block compression.
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // The block store: 512 KiB blocks, deduplicated, compressed, sealed, in pack files.
        .target(
            name: "KilnBlocks",
            dependencies: [
                "KilnCore",
                "CZstd",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The metadata store on SQLite, through GRDB; it also keeps the block store's index.
        .target(
            name: "KilnStore",
            dependencies: [
                "KilnCore",
                "KilnBlocks",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Blocks and objects in an S3-compatible object store (`--blocks s3://…`): SigV4-signed
        // requests through async-http-client, and a read cache.
        .target(
            name: "KilnObjectStore",
            dependencies: [
                "KilnCore",
                "KilnSigV4",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The metadata store on PostgreSQL, through postgres-nio: several nodes share one database.
        .target(
            name: "KilnPostgres",
            dependencies: [
                "KilnCore",
                "KilnBlocks",
                "KilnStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Servers on Unix sockets with a thread per connection, and the client side.
        .target(
            name: "KilnSockets",
            swiftSettings: swiftSettings
        ),
        // An NBD server: the fixed newstyle handshake and the transmission phase, on Unix sockets.
        .target(
            name: "KilnNBD",
            dependencies: ["KilnSockets"],
            swiftSettings: swiftSettings
        ),
        // The instance metadata service's HTTP/1.1, on a Unix socket per instance.
        .target(
            name: "KilnIMDS",
            dependencies: ["KilnSockets"],
            swiftSettings: swiftSettings
        ),
        // Instances that boot: one QEMU per running instance, its disks volumes served over NBD.
        .target(
            name: "KilnRuntime",
            dependencies: [
                "KilnCore",
                "KilnNBD",
                "KilnIMDS",
                "KilnSockets",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The web console at /console: server-rendered pages over the same services the API fronts call.
        .target(
            name: "KilnConsole",
            dependencies: [
                "KilnCore",
                "KilnInspect",
                "KilnWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP service: SigV4 routing and authentication, one front per AWS service.
        .target(
            name: "KilnServer",
            dependencies: [
                "KilnCore",
                "KilnConsole",
                "KilnSigV4",
                "KilnBlocks",
                "KilnWire",
                "KilnStore",
                "KilnPostgres",
                "KilnRuntime",
                "KilnObjectStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                // The HTTP parts the connection guards see.
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        // The `kiln` command: `kiln serve` and the client commands.
        .executableTarget(
            name: "kiln",
            dependencies: [
                "KilnCore",
                "KilnBlocks",
                "KilnInspect",
                "KilnStore",
                "KilnPostgres",
                "KilnServer",
                "KilnSigV4",
                "KilnSockets",
                "KilnObjectStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Each parser of outside input as a fuzz target: the Fuzz/ package runs them under
        // libFuzzer, KilnFuzzTests replays their kept corpus.
        .target(
            name: "KilnFuzz",
            dependencies: [
                "KilnWire", "KilnSigV4", "KilnCore", "KilnBlocks", "KilnNBD", "KilnIMDS",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the Swift tests share: test clouds, routers, fixtures and deterministic data.
        .target(
            name: "KilnTestSupport",
            dependencies: [
                "KilnCore",
                "KilnBlocks",
                "KilnStore",
                "KilnServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                "KilnNBD",
                "KilnRuntime",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/KilnTestSupport",
            swiftSettings: swiftSettings
        ),
        // One test target per module, named after it.
        .testTarget(
            name: "KilnInspectTests",
            dependencies: ["KilnInspect"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KilnWireTests",
            dependencies: ["KilnWire"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KilnSigV4Tests",
            dependencies: [
                "KilnSigV4", "KilnServer", "KilnCore", "KilnTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KilnStoreTests",
            dependencies: ["KilnStore", "KilnCore", "KilnTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KilnPostgresTests",
            dependencies: [
                "KilnPostgres", "KilnStore", "KilnCore", "KilnBlocks", "KilnTestSupport", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KilnBlocksTests",
            dependencies: ["KilnBlocks", "KilnStore", "KilnCore", "KilnTestSupport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KilnCoreTests",
            dependencies: ["KilnCore", "KilnBlocks", "KilnStore", "KilnTestSupport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KilnRuntimeTests",
            dependencies: [
                "KilnRuntime", "KilnNBD", "KilnSockets", "KilnCore", "KilnBlocks", "KilnStore", "KilnTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KilnIMDSTests",
            dependencies: ["KilnIMDS", "KilnSockets"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "kilnTests",
            dependencies: ["kiln", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KilnObjectStoreTests",
            dependencies: [
                "KilnObjectStore", "KilnCore", "KilnBlocks", "KilnStore",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KilnFuzzTests",
            dependencies: ["KilnFuzz"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KilnConsoleTests",
            dependencies: [
                "KilnConsole", "KilnServer", "KilnCore", "KilnStore", "KilnTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KilnServerTests",
            dependencies: [
                "KilnServer", "KilnCore", "KilnSigV4", "KilnWire", "KilnStore", "KilnTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
