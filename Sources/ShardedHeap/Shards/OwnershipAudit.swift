#if DEBUG
import Synchronization

/// A debug-build check for tests: while enabled, every allocation served on a shard's owner thread
/// asks mimalloc, on that same thread, whether the block really belongs to that shard's heap
/// (`mi_heap_contains_block`). Release builds compile none of this.
enum OwnershipAudit {
    static let isEnabled = Atomic<Bool>(false)
    static let checked = Atomic<Int>(0)
    static let failed = Atomic<Int>(0)

    @inline(__always)
    static func check(_ pointer: UnsafeMutableRawPointer, in heap: Mimalloc.Heap) {
        guard isEnabled.load(ordering: .relaxed) else { return }
        checked.wrappingAdd(1, ordering: .relaxed)
        if !heap.contains(pointer) {
            failed.wrappingAdd(1, ordering: .relaxed)
        }
    }
}
#endif
