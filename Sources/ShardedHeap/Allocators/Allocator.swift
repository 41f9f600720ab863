/// Something that hands out raw memory and frees it block by block.
///
/// Conformers: ``MimallocAllocator`` (the calling thread's default mimalloc heap),
/// ``ShardAllocator`` (a shard's heap, or the fallback off the shard thread) and
/// ``SystemAllocator`` (glibc's own malloc). A buffer (``UniqueBuffer``, ``OwnedBuffer``) or an
/// ``OffHeapArray`` may own memory from any of them, because each of their blocks can be freed
/// on its own.
///
/// Regions are not allocators in this sense: ``Region``, ``UniqueRegion`` and ``SharedRegion``
/// free everything at once when they close, so a value that frees its own block cannot take
/// memory from them, and the compiler says so (they do not conform).
///
/// A pointer must go back to the allocator that made it.
public protocol Allocator {
    /// Allocates `byteCount` uninitialised bytes aligned to `alignment`.
    ///
    /// - Parameters:
    ///   - byteCount: The size in bytes; zero is valid and gives a unique pointer.
    ///   - alignment: A power of two from 1 to 65,536.
    /// - Returns: The first byte.
    /// - Throws: ``AllocationError`` when the memory cannot be had.
    /// - Precondition: `byteCount >= 0` and `alignment` is a power of two in range.
    func allocate(byteCount: Int, alignment: Int) throws(AllocationError) -> UnsafeMutableRawPointer

    /// Resizes a block made by this allocator with the same `alignment`, keeping its first bytes
    /// (up to the smaller of the old and new sizes).
    ///
    /// - Returns: The block's new address, which may be `pointer`.
    /// - Throws: ``AllocationError`` when the memory cannot be had; `pointer` is then unchanged.
    func reallocate(
        _ pointer: UnsafeMutableRawPointer,
        byteCount: Int,
        alignment: Int
    ) throws(AllocationError) -> UnsafeMutableRawPointer

    /// Frees a block made by this allocator.
    func deallocate(_ pointer: UnsafeMutableRawPointer)
}
