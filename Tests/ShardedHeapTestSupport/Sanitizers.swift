#if canImport(Glibc)
import Glibc
#endif

/// Whether the process has the runtime that defines `symbol` (looked up globally).
private func hasRuntimeSymbol(_ symbol: String) -> Bool {
    // RTLD_DEFAULT is the null handle on glibc.
    dlsym(UnsafeMutableRawPointer(bitPattern: 0), symbol) != nil
}

/// Whether this test process runs under AddressSanitizer.
public let runningUnderAddressSanitizer = hasRuntimeSymbol("__asan_init")

/// Whether this test process runs under AddressSanitizer or ThreadSanitizer. Their runtimes
/// interpose `malloc` themselves and move mmap'd memory above the range mimalloc's
/// `mi_is_in_heap_region` knows, so checks of "whose malloc is this" do not apply there.
public let runningUnderSanitizer = runningUnderAddressSanitizer || hasRuntimeSymbol("__tsan_init")
