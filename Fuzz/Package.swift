// swift-tools-version: 6.1
// The fuzz targets of Sources/KilnFuzz under libFuzzer, in a package of their own so that the
// main build never needs the fuzzer. Its Sources/ folders link to the main package's modules
// (one package, so `package` declarations stay visible). Build and run: Fuzz/run.sh.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "kiln-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2")
    ],
    targets: [
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash"),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd"),
        .target(name: "KilnWire", swiftSettings: swiftSettings),
        .target(name: "KilnSockets", swiftSettings: swiftSettings),
        .target(name: "KilnInspect", swiftSettings: swiftSettings),
        .target(name: "KilnNBD", dependencies: ["KilnSockets"], swiftSettings: swiftSettings),
        .target(name: "KilnIMDS", dependencies: ["KilnSockets"], swiftSettings: swiftSettings),
        .target(name: "KilnSigV4", dependencies: ["KilnWire", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
        .target(
            name: "KilnCore",
            dependencies: [
                "CXXHash", "KilnInspect", .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KilnBlocks",
            dependencies: ["KilnCore", "CZstd", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KilnFuzz",
            dependencies: [
                "KilnWire", "KilnSigV4", "KilnCore", "KilnBlocks", "KilnNBD", "KilnIMDS", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "KilnFuzzer", dependencies: ["KilnFuzz"], swiftSettings: swiftSettings),
    ]
)
