// swift-tools-version: 6.2
// The benchmarks live in their own package, so building or testing the library never pays for
// package-benchmark or the comparison runner.
import PackageDescription

// SwiftPM names a path dependency after its folder, and a clone may sit in any folder.
let library = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "ShardedHeap").lowercased()

let package = Package(
    name: "ShardedHeapBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "..", traits: ["NIO"]),
        .package(url: "https://github.com/apple/swift-nio.git", .upToNextMinor(from: "2.101.3")),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Raw mimalloc through dlopen (never linked: linking replaces malloc process-wide),
        // the clock, peak RSS and optimiser barriers.
        .target(
            name: "CAllocBench",
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // What the runners share: the seeded generator, the machine probes, progress with an
        // estimate of the time left (RunProgress) and output folders (OutputDirectory).
        .target(
            name: "BenchmarkSupport",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // `swift run -c release --package-path Benchmarks compare`: every allocator under one
        // harness, in child processes, interleaved; writes docs/benchmarks/.
        .executableTarget(
            name: "compare",
            dependencies: [
                "BenchmarkSupport",
                "CAllocBench",
                .product(name: "ShardedHeap", package: library),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // `swift run -c release --package-path Benchmarks images`: issue 6's off-heap image
        // figures against Foundation's JSON; writes docs/benchmarks/images.{md,json}.
        .executableTarget(
            name: "images",
            dependencies: [
                "BenchmarkSupport",
                "CAllocBench",
                .product(name: "ShardedHeap", package: library),
                .product(name: "OffHeapImages", package: library),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // `swift run -c release --package-path Benchmarks echo`: a TCP echo server with NIO's
        // default allocator against ShardedHeapNIO's, in child processes, interleaved.
        .executableTarget(
            name: "echo",
            dependencies: [
                "BenchmarkSupport",
                "CAllocBench",
                .product(name: "ShardedHeap", package: library),
                .product(name: "ShardedHeapNIO", package: library),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // `swift package --disable-sandbox benchmark`: package-benchmark suites with thresholds
        // checked in under Thresholds/.
        .executableTarget(
            name: "ShardedHeapBenchmarks",
            dependencies: [
                "CAllocBench",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ShardedHeap", package: library),
                .product(name: "ShardedHeapStats", package: library),
            ],
            path: "Benchmarks/ShardedHeapBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
