#if DEBUG
import Synchronization

/// A debug-build check for tests: while enabled, every allocation served from a shard heap checks
/// that the calling thread really is that shard's executor thread (by `pthread_self`, independent
/// of the thread-local record) and asks mimalloc, on that thread, whether the block belongs to
/// that shard's heap (`mi_heap_contains_block`). Release builds compile none of this, and the
/// inlined fast paths call it only in debug builds.
@usableFromInline
enum OwnershipAudit {
    static let isEnabled = Atomic<Bool>(false)
    static let checked = Atomic<Int>(0)
    static let failed = Atomic<Int>(0)

    @usableFromInline
    @inline(never)
    static func check(_ pointer: UnsafeMutableRawPointer, in heap: Mimalloc.Heap, of shard: Mimalloc.Shard) {
        guard isEnabled.load(ordering: .relaxed) else { return }
        checked.wrappingAdd(1, ordering: .relaxed)
        let onOwner = ShardSlot.of(shard).executor?.isCurrentThread ?? false
        if !onOwner || !heap.contains(pointer) {
            failed.wrappingAdd(1, ordering: .relaxed)
        }
    }
}
#endif
