// swift-tools-version: 6.2
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableExperimentalFeature("Lifetimes"),
]

let package = Package(
    name: "ShardedHeap",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ShardedHeap", targets: ["ShardedHeap"]),
        .library(name: "ShardedHeapStats", targets: ["ShardedHeapStats"]),
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
        // libFuzzer target for the off-heap image reader; see Fuzz/README.md.
        .executableTarget(
            name: "ImageFuzzer",
            dependencies: ["ShardedHeap"],
            path: "Fuzz/ImageFuzzer",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShardedHeapTests",
            dependencies: ["ShardedHeap"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShardedHeapStatsTests",
            dependencies: [
                "ShardedHeap",
                "ShardedHeapStats",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
