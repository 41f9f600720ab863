/// Raw memory from the calling thread's default mimalloc heap, with no counting.
///
/// Every thread has its own default heap, so this is safe from any thread; blocks may be freed
/// from any thread. Use ``ShardAllocator`` when you want per-shard heaps and counters.
public struct MimallocAllocator: Allocator, Sendable, Hashable {
    /// Creates the allocator (it has no state).
    public init() {}

    /// Allocates from the calling thread's default mimalloc heap (`mi_malloc` /
    /// `mi_malloc_aligned`).
    /// - Throws: ``AllocationError/outOfMemory(requested:alignment:)``.
    /// - Precondition: `byteCount >= 0`; `alignment` is a power of two from 1 to 65,536.
    public func allocate(byteCount: Int, alignment: Int = 16) throws(AllocationError) -> UnsafeMutableRawPointer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "MimallocAllocator.allocate")
        guard let (pointer, _) = Mimalloc.allocate(byteCount: byteCount, alignment: alignment) else {
            throw .outOfMemory(requested: byteCount, alignment: alignment)
        }
        return pointer
    }

    /// Resizes with `mi_realloc_aligned`; a moved block comes from the calling thread's heap.
    /// - Throws: ``AllocationError/outOfMemory(requested:alignment:)``; `pointer` is then unchanged.
    public func reallocate(
        _ pointer: UnsafeMutableRawPointer,
        byteCount: Int,
        alignment: Int = 16
    ) throws(AllocationError) -> UnsafeMutableRawPointer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "MimallocAllocator.reallocate")
        guard let moved = Mimalloc.reallocate(pointer, byteCount: byteCount, alignment: alignment) else {
            throw .outOfMemory(requested: byteCount, alignment: alignment)
        }
        return moved
    }

    /// Frees with `mi_free`, on any thread.
    public func deallocate(_ pointer: UnsafeMutableRawPointer) {
        Mimalloc.free(pointer)
    }
}
