import Foundation
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

@Suite("The process allocator stays glibc's")
struct ProcessAllocatorTests {
    // Under a sanitizer, the sanitizer's runtime in the test binary owns malloc; the check that it
    // is not libmimalloc still applies, the check that it is libc does not.
    @Test("malloc, free and posix_memalign resolve to libc, not libmimalloc")
    func mallocIsGlibc() throws {
        // Use the package first, so that mimalloc is certainly loaded.
        let buffer = OwnedBuffer(byteCount: 64)
        #expect(Mimalloc.version == 209)
        for name in ["malloc", "free", "calloc", "realloc", "posix_memalign"] {
            let address = try #require(Mimalloc.globalSymbolAddress(name), "no global \(name)")
            let file = try #require(Mimalloc.objectFile(containing: address))
            #expect(!file.contains("mimalloc"), "\(name) resolves to \(file)")
            if !runningUnderSanitizer {
                #expect(file.contains("libc.so"), "\(name) resolves to \(file)")
            }
        }
        _ = buffer
    }

    // mi_is_in_heap_region only knows addresses below mimalloc's 20 TiB limit, and sanitizers map
    // memory above it.
    @Test("A block from the process's malloc is not mimalloc memory", .disabled(if: runningUnderSanitizer))
    func mallocMemoryIsNotMimalloc() {
        _ = OwnedBuffer(byteCount: 1)
        let pointer = malloc(16)!
        defer { free(pointer) }
        #expect(!Mimalloc.isInHeapRegion(pointer))
        #expect(Mimalloc.isInHeapRegion(OwnedBuffer(byteCount: 64).unsafeBaseAddress))
    }

    @Test("A missing libmimalloc gives one message naming the Debian package")
    func missingLibraryMessage() async {
        let result = await #expect(
            processExitsWith: .failure,
            observing: [\.standardErrorContent]
        ) {
            setenv("SHARDEDHEAP_MIMALLOC_PATH", "/nonexistent/libmimalloc.so.2", 1)
            _ = OwnedBuffer(byteCount: 8)
        }
        let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("cannot load mimalloc"))
        #expect(text.contains("libmimalloc-dev"))
        #expect(text.contains("/nonexistent/libmimalloc.so.2"))
    }
}
