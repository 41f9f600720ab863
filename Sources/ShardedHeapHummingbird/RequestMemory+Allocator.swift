#if Hummingbird
import ShardedHeap

extension RequestMemory: Allocator {
    /// Allocates `byteCount` bytes aligned to `alignment` (a power of two up to 65,536). The
    /// memory stays valid while this `RequestMemory` lives; keep it alive for as long as you use
    /// the pointer (values made with it as their allocator do that themselves).
    /// - Throws: `AllocationError.outOfMemory(requested:alignment:)`.
    ///
    /// Any task of the request may call this.
    public func allocate(byteCount: Int, alignment: Int = 16) throws(AllocationError) -> UnsafeMutableRawPointer {
        try region.allocate(byteCount: byteCount, alignment: alignment)
    }

    /// Resizes a block from this memory, keeping its first bytes; it may move within the memory.
    /// - Throws: `AllocationError.outOfMemory(requested:alignment:)`; `pointer` is
    ///   then unchanged.
    public func reallocate(
        _ pointer: UnsafeMutableRawPointer,
        byteCount: Int,
        alignment: Int = 16
    ) throws(AllocationError) -> UnsafeMutableRawPointer {
        try region.reallocate(pointer, byteCount: byteCount, alignment: alignment)
    }

    /// Does nothing: the block goes back with the rest of the memory.
    public func deallocate(_ pointer: UnsafeMutableRawPointer) {}
}
#endif
