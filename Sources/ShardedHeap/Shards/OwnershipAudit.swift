#if DEBUG
import Synchronization

/// A debug-build check for tests: while enabled, every allocation served from a shard heap checks
/// that the calling thread really is that shard's executor thread (by `pthread_self`, independent
/// of the thread-local slot) and asks mimalloc, on that thread, whether the block belongs to that
/// shard's heap (`mi_heap_contains_block`). Release builds compile none of this.
enum OwnershipAudit {
    static let isEnabled = Atomic<Bool>(false)
    static let checked = Atomic<Int>(0)
    static let failed = Atomic<Int>(0)

    @inline(__always)
    static func check(_ pointer: UnsafeMutableRawPointer, in heap: Mimalloc.Heap, of slot: ShardSlot) {
        guard isEnabled.load(ordering: .relaxed) else { return }
        checked.wrappingAdd(1, ordering: .relaxed)
        let onOwner = slot.executor?.isCurrentThread ?? false
        if !onOwner || !heap.contains(pointer) {
            failed.wrappingAdd(1, ordering: .relaxed)
        }
    }
}
#endif
