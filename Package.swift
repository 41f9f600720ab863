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
        .executable(name: "shardedheap-demo", targets: ["shardedheap-demo"]),
        .executable(name: "shardedheap-soak", targets: ["shardedheap-soak"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0")
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
            name: "OffHeapImagesTests",
            dependencies: ["OffHeapImages", "ShardedHeap", "ShardedHeapTestSupport"],
            swiftSettings: strictSettings
        ),
    ]
)
