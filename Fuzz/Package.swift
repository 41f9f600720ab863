// swift-tools-version: 6.2
// The image fuzzer lives in its own package, so building or testing the library never builds it.
// Run it with Fuzz/run-image-fuzzer.sh (see Fuzz/README.md).
import PackageDescription

// SwiftPM names a path dependency after its folder, and a clone may sit in any folder.
let library = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "ShardedHeap").lowercased()

let package = Package(
    name: "ShardedHeapFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "..")
    ],
    targets: [
        // libFuzzer target for the off-heap image reader.
        .executableTarget(
            name: "ImageFuzzer",
            dependencies: [
                .product(name: "ShardedHeap", package: library),
                .product(name: "OffHeapImages", package: library),
            ],
            path: "ImageFuzzer",
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
