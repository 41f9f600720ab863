/// Something that hands out raw memory.
///
/// Conformers: ``MimallocAllocator`` (the calling thread's default mimalloc heap),
/// ``ShardAllocator`` (a shard's heap, or the fallback off the shard thread),
/// ``SystemAllocator`` (glibc's own malloc), and ``Region`` (bump allocation, freed all at once).
///
/// A pointer must go back to the allocator that made it. Allocators whose ``freesIndividually``
/// is false (regions) ignore ``deallocate(_:)``: their memory goes when the allocator closes.
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

    /// Frees a block made by this allocator. A no-op when ``freesIndividually`` is false.
    func deallocate(_ pointer: UnsafeMutableRawPointer)

    /// Whether ``deallocate(_:)`` frees memory. False for regions, which free everything at once.
    var freesIndividually: Bool { get }
}
