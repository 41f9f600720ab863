import Foundation
import Testing

@testable import ShardedHeap

/// Resident set size of this process, from /proc/self/statm.
func residentBytes() -> Int {
    let text = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Writes a pattern derived from `seed` into `bytes`.
func fill(_ bytes: UnsafeMutableRawBufferPointer, seed: Int) {
    for index in 0..<bytes.count {
        bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ seed)
    }
}

/// Whether `bytes` still hold the pattern `fill` wrote with `seed`.
func holdsPattern(_ bytes: UnsafeRawBufferPointer, seed: Int) -> Bool {
    for index in 0..<bytes.count where bytes[index] != UInt8(truncatingIfNeeded: index &* 31 &+ seed) {
        return false
    }
    return true
}

/// Runs `body` on a new OS thread (not a Swift concurrency thread) and waits for it.
func onDetachedThread(_ body: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let thread = Thread {
            body()
            continuation.resume()
        }
        thread.start()
    }
}

/// Hands values to another thread, which drops them (tests only; one thread at a time).
final class Parcel<Value>: @unchecked Sendable {
    var value: Value?
    init(_ value: Value) { self.value = value }
    func drop() { value = nil }
}

/// A default actor, to hop through in tests.
actor Hopper {
    private(set) var visits = 0
    func visit() { visits += 1 }
}

/// An actor whose code runs on a given serial executor.
actor PinnedActor {
    nonisolated let unownedExecutor: UnownedSerialExecutor
    init(executor: any SerialExecutor) {
        self.unownedExecutor = executor.asUnownedSerialExecutor()
    }
    func shardIndex(of heap: ShardedHeap) -> Int? { heap.currentShardIndex }
}

/// Hands one UniqueBuffer to another task (tests only; one thread at a time).
final class UniqueParcel: @unchecked Sendable {
    private var buffer: UniqueBuffer?
    init(_ buffer: consuming UniqueBuffer) { self.buffer = .some(buffer) }
    func take() -> UniqueBuffer { buffer.take()! }
}

/// What an exit test's child process wrote to standard error.
func standardError(of result: ExitTest.Result?) -> String {
    String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
}

/// Whether this test process runs under AddressSanitizer or ThreadSanitizer. Their runtimes
/// interpose `malloc` themselves and move mmap'd memory above the range mimalloc's
/// `mi_is_in_heap_region` knows, so checks of "whose malloc is this" do not apply there.
let runningUnderSanitizer: Bool = ["__asan_init", "__tsan_init"].contains {
    Mimalloc.globalSymbolAddress($0) != nil
}
