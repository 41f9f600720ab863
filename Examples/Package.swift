// swift-tools-version: 6.2
// An example server of its own package, with the library by path, so that the library's users
// never build it: `swift run -c release --package-path Examples json-api-server --help`.
import PackageDescription

// SwiftPM names a path dependency after its folder, and a clone may sit in any folder.
let library = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "ShardedHeap").lowercased()

let package = Package(
    name: "ShardedHeapExamples",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "..", traits: ["Hummingbird"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio.git", .upToNextMinor(from: "2.101.3")),
    ],
    targets: [
        // A JSON API on Hummingbird 2: lookups in a mapped image of records, request bodies
        // aggregated in request memory, responses in shard buffers; `--plain` for the same
        // server on plain Swift allocation.
        .executableTarget(
            name: "json-api-server",
            dependencies: [
                .product(name: "ShardedHeap", package: library),
                .product(name: "ShardedHeapStats", package: library),
                .product(name: "ShardedHeapNIO", package: library),
                .product(name: "ShardedHeapHummingbird", package: library),
                .product(name: "OffHeapImages", package: library),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
