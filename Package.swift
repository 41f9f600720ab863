// swift-tools-version: 6.2
import PackageDescription

/// CI builds the package's own targets with warnings as errors (`SHARDEDHEAP_WERROR=1`). Only
/// this package's targets get the setting; dependencies build as they are.
let warningsAsErrors = Context.environment["SHARDEDHEAP_WERROR"] != nil

let strictSettings: [SwiftSetting] =
    [
        .swiftLanguageMode(.v6),
        .enableExperimentalFeature("Lifetimes"),
    ] + (warningsAsErrors ? [.treatAllWarnings(as: .error)] : [])

let cSettings: [CSetting] = warningsAsErrors ? [.unsafeFlags(["-Werror", "-Wall"])] : []

let package = Package(
    name: "ShardedHeap",
    platforms: [.macOS(.v15)],
    products: [
        // The core: shards, buffers, allocators, regions, page pools and off-heap arrays.
        .library(name: "ShardedHeap", targets: ["ShardedHeap"]),
        // Snapshots of what the heaps hold, text and Prometheus output, swift-metrics.
        .library(name: "ShardedHeapStats", targets: ["ShardedHeapStats"]),
        // Values copied off the heap as position-independent images, in memory or mapped files.
        .library(name: "OffHeapImages", targets: ["OffHeapImages"]),
        // Foundation: Data from buffers without copying, and copies to and from [UInt8].
        .library(name: "ShardedHeapFoundation", targets: ["ShardedHeapFoundation"]),
        // SwiftNIO (trait "NIO"): ByteBuffers from shards, event loops on shard threads.
        .library(name: "ShardedHeapNIO", targets: ["ShardedHeapNIO"]),
        // swift-service-lifecycle (trait "ServiceLifecycle"): a service that shuts a group down.
        .library(name: "ShardedHeapLifecycle", targets: ["ShardedHeapLifecycle"]),
        // Hummingbird 2 (trait "Hummingbird"): request memory, shard-served connections.
        .library(name: "ShardedHeapHummingbird", targets: ["ShardedHeapHummingbird"]),
        .executable(name: "shardedheap-demo", targets: ["shardedheap-demo"]),
        .executable(name: "shardedheap-soak", targets: ["shardedheap-soak"]),
    ],
    // Integrations with other packages are traits, off by default: without them, a package that
    // depends on this one resolves, fetches and builds swift-metrics only.
    traits: [
        .trait(
            name: "NIO",
            description: "ShardedHeapNIO: SwiftNIO ByteBuffers from shard heaps, event loops on shard threads"
        ),
        .trait(
            name: "ServiceLifecycle",
            description: "ShardedHeapLifecycle, and StatsReporter as a swift-service-lifecycle Service"
        ),
        .trait(
            name: "Hummingbird",
            description: "ShardedHeapHummingbird: request memory and shard-served connections for Hummingbird 2",
            enabledTraits: ["NIO"]
        ),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        // ShardedHeapNIO uses SwiftNIO SPI (custom ByteBuffer allocation), which has no
        // source-stability promise: the range is one minor version.
        .package(url: "https://github.com/apple/swift-nio.git", .upToNextMinor(from: "2.101.3")),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Without Hummingbird's default traits (swift-configuration support, full Foundation).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
    ],
    targets: [
        // The C boundary: loads libmimalloc.so.2 privately (dlopen, RTLD_LOCAL).
        .target(
            name: "CMimalloc",
            cSettings: cSettings,
            linkerSettings: [.linkedLibrary("dl")]
        ),
        .target(
            name: "ShardedHeap",
            dependencies: ["CMimalloc"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ShardedHeapStats",
            dependencies: [
                "ShardedHeap",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(
                    name: "ServiceLifecycle",
                    package: "swift-service-lifecycle",
                    condition: .when(traits: ["ServiceLifecycle"])
                ),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ShardedHeapFoundation",
            dependencies: ["ShardedHeap"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ShardedHeapNIO",
            dependencies: [
                "ShardedHeap",
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["NIO"])),
                .product(name: "NIOPosix", package: "swift-nio", condition: .when(traits: ["NIO"])),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ShardedHeapHummingbird",
            dependencies: [
                "ShardedHeap",
                "ShardedHeapNIO",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "HummingbirdCore", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Hummingbird"])),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ShardedHeapLifecycle",
            dependencies: [
                "ShardedHeap",
                .product(
                    name: "ServiceLifecycle",
                    package: "swift-service-lifecycle",
                    condition: .when(traits: ["ServiceLifecycle"])
                ),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "OffHeapImages",
            dependencies: ["ShardedHeap"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "shardedheap-demo",
            dependencies: ["ShardedHeap", "ShardedHeapStats"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "shardedheap-soak",
            dependencies: ["ShardedHeap", "ShardedHeapStats"],
            swiftSettings: strictSettings
        ),
        // Helpers that several test suites share (patterns, parcels, counting allocators).
        .target(
            name: "ShardedHeapTestSupport",
            dependencies: ["ShardedHeap"],
            path: "Tests/ShardedHeapTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShardedHeapTests",
            dependencies: ["ShardedHeap", "ShardedHeapTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShardedHeapStatsTests",
            dependencies: [
                "ShardedHeap",
                "ShardedHeapStats",
                "ShardedHeapTestSupport",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShardedHeapFoundationTests",
            dependencies: ["ShardedHeapFoundation", "ShardedHeap", "ShardedHeapTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShardedHeapNIOTests",
            dependencies: [
                "ShardedHeapNIO", "ShardedHeap", "ShardedHeapTestSupport",
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["NIO"])),
                .product(name: "NIOPosix", package: "swift-nio", condition: .when(traits: ["NIO"])),
                .product(name: "NIOEmbedded", package: "swift-nio", condition: .when(traits: ["NIO"])),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShardedHeapHummingbirdTests",
            dependencies: [
                "ShardedHeapHummingbird", "ShardedHeapNIO", "ShardedHeap", "ShardedHeapTestSupport",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "HummingbirdCore", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Hummingbird"])),
                .product(name: "NIOPosix", package: "swift-nio", condition: .when(traits: ["Hummingbird"])),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShardedHeapLifecycleTests",
            dependencies: [
                "ShardedHeapLifecycle", "ShardedHeapStats", "ShardedHeap",
                .product(
                    name: "ServiceLifecycle",
                    package: "swift-service-lifecycle",
                    condition: .when(traits: ["ServiceLifecycle"])
                ),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OffHeapImagesTests",
            dependencies: ["OffHeapImages", "ShardedHeap", "ShardedHeapTestSupport"],
            swiftSettings: strictSettings
        ),
    ]
)

// Documentation (`SHARDEDHEAP_DOCS=1 swift package generate-documentation`, as
// scripts/generate-docs runs it): the DocC plugin joins the graph only when asked for, so that a
// package depending on this one never resolves or fetches it.
if Context.environment["SHARDEDHEAP_DOCS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"))
}
