// libFuzzer entry point: feeds mutated images to every reader of ShardGroup's off-heap images.
// A reader must throw on damaged input, never crash or read outside the image; built with
// `-sanitize=fuzzer,address` the second half is checked byte by byte. See Fuzz/README.md.
import OffHeapImages
import ShardedHeap

#if canImport(Glibc)
import Glibc
#endif

/// The record type the fuzzer reads: strings, numbers, packed and unpacked arrays, optionals,
/// a dictionary and a recursive enum, so mutations reach every node kind.
struct FuzzRecord: Codable {
    var name: String
    var age: Int
    var scores: [Double]
    var tags: [String]
    var nickname: String?
    var extra: [String: Int]
    var shape: FuzzShape?
}

indirect enum FuzzShape: Codable {
    case circle(Double)
    case labelled(String, FuzzShape?)
    case nothing
}

/// Memory from the Swift heap (malloc), sized exactly, so AddressSanitizer sees any read past
/// the end of an image. (mimalloc and glibc's internal entry points are invisible to ASan.)
struct FuzzAllocator: Allocator, Sendable {
    func allocate(byteCount: Int, alignment: Int) throws(AllocationError) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: alignment)
    }

    func reallocate(
        _ pointer: UnsafeMutableRawPointer,
        byteCount: Int,
        alignment: Int
    ) throws(AllocationError) -> UnsafeMutableRawPointer {
        preconditionFailure("the fuzzer never grows an image")
    }

    func deallocate(_ pointer: UnsafeMutableRawPointer) { pointer.deallocate() }
}

/// The seed values: small, empty, nested and non-ASCII.
func seedValues() -> [[FuzzRecord]] {
    let ada = FuzzRecord(
        name: "Ada",
        age: 36,
        scores: [1.5, -2],
        tags: ["math", "engines"],
        nickname: "Countess",
        extra: ["born": 1815],
        shape: .labelled("ring", .circle(2))
    )
    let blank = FuzzRecord(name: "", age: -1, scores: [], tags: [], nickname: nil, extra: [:], shape: nil)
    let accents = FuzzRecord(
        name: "Zürich — 東京",
        age: Int.max,
        scores: [.infinity],
        tags: [""],
        nickname: nil,
        extra: ["a": 1, "b": 2],
        shape: .labelled("x", .labelled("y", .nothing))
    )
    return [[], [ada], [blank], [ada, blank, accents], Array(repeating: accents, count: 20)]
}

/// Reads everything a reader can read, ignoring the errors.
func exercise(_ image: OffHeapImage<[FuzzRecord]>) {
    _ = try? image.validate()
    _ = try? image.get()
    guard let elements = try? image.elements else { return }
    let count = elements.count
    for index in Set([0, count / 2, count - 1]) where index >= 0 && index < count {
        _ = try? elements[index]
        guard let cursor = try? elements.cursor(at: index) else { continue }
        _ = try? cursor.kind
        for name in (try? cursor.fieldNames) ?? [] {
            guard let field = try? cursor.field(name) else { continue }
            _ = try? field.utf8().count
            _ = try? field.scalars(of: Double.self).count
            _ = try? field.decode(String.self)
            if let fieldCount = try? field.count, fieldCount > 0, (try? field.kind) == .array {
                _ = try? field.element(fieldCount - 1).decode(String.self)
            }
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let image = try? OffHeapImage<[FuzzRecord]>(copying: bytes.span.bytes, allocator: FuzzAllocator()) else {
        return 0
    }
    exercise(image)
    return 0
}

/// With IMAGE_FUZZER_WRITE_SEEDS=<directory> set, writes the seed corpus there and exits
/// (the seeds must come from this binary: an image's fingerprint names its module).
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(
    _ argc: UnsafeMutablePointer<CInt>?,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
    guard let directory = getenv("IMAGE_FUZZER_WRITE_SEEDS").map({ String(cString: $0) }) else { return 0 }
    for (index, value) in seedValues().enumerated() {
        do {
            try OffHeap.copy(value).write(to: "\(directory)/seed-\(index).img")
        } catch {
            print("ImageFuzzer: cannot write seed \(index): \(error)")
            exit(1)
        }
    }
    _exit(0)  // skips LeakSanitizer's report on the seed values still alive
}

#if IMAGE_FUZZER
/// libFuzzer's driver (in the toolchain's libclang_rt.fuzzer, linked by `-sanitize=fuzzer`).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
#endif

#if IMAGE_FUZZER
/// The program's entry point. SwiftPM links an executable target with
/// `--defsym main=ImageFuzzer_main`, which takes the place of libFuzzer's own `main`; this one
/// hands over to libFuzzer's driver (which calls `LLVMFuzzerInitialize`), so the usual libFuzzer
/// flags work.
@_cdecl("ImageFuzzer_main")
public func imageFuzzerMain(
    _ argc: CInt,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
#else
/// The program a plain `swift build` makes (it has no libFuzzer to link): it only says how to
/// build the fuzzer.
@main
enum ImageFuzzerWithoutLibFuzzer {
    static func main() {
        print(
            """
            ImageFuzzer was built without libFuzzer. Build it with
              swift build -c release --product ImageFuzzer -Xswiftc -sanitize=fuzzer,address \\
                -Xswiftc -parse-as-library -Xswiftc -DIMAGE_FUZZER
            (see Fuzz/README.md).
            """
        )
        exit(2)
    }
}
#endif
