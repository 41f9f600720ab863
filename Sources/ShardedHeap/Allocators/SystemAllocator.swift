/// Raw memory from glibc's own malloc (`__libc_malloc`, `__libc_memalign`, `__libc_realloc`,
/// `__libc_free`).
///
/// Because ShardGroup loads mimalloc privately, this is the process's real system allocator, and
/// it stays glibc's even when another allocator is preloaded process-wide. Safe from any thread.
public struct SystemAllocator: Allocator, Sendable, Hashable {
    /// Creates the allocator (it has no state).
    public init() {}

    /// Allocates with `__libc_malloc`, or `__libc_memalign` above 16-byte alignment.
    /// - Throws: ``AllocationError/outOfMemory(requested:alignment:)``.
    /// - Precondition: `byteCount >= 0`; `alignment` is a power of two from 1 to 65,536.
    public func allocate(byteCount: Int, alignment: Int = 16) throws(AllocationError) -> UnsafeMutableRawPointer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "SystemAllocator.allocate")
        guard let pointer = Mimalloc.Glibc.allocate(byteCount: max(byteCount, 1), alignment: alignment) else {
            throw .outOfMemory(requested: byteCount, alignment: alignment)
        }
        return pointer
    }

    /// Resizes with `__libc_realloc`. Above 16-byte alignment, where realloc would not keep the
    /// alignment, it allocates an aligned block, copies and frees the old one.
    /// - Throws: ``AllocationError/outOfMemory(requested:alignment:)``; `pointer` is then unchanged.
    public func reallocate(
        _ pointer: UnsafeMutableRawPointer,
        byteCount: Int,
        alignment: Int = 16
    ) throws(AllocationError) -> UnsafeMutableRawPointer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "SystemAllocator.reallocate")
        if alignment <= 16 {
            guard let moved = Mimalloc.Glibc.reallocate(pointer, byteCount: max(byteCount, 1)) else {
                throw .outOfMemory(requested: byteCount, alignment: alignment)
            }
            return moved
        }
        let moved = try allocate(byteCount: byteCount, alignment: alignment)
        // Safe: both blocks are live and distinct; the copy stays within the smaller of them.
        moved.copyMemory(from: pointer, byteCount: min(byteCount, Mimalloc.Glibc.usableSize(pointer)))
        Mimalloc.Glibc.free(pointer)
        return moved
    }

    /// Frees with `__libc_free`, on any thread.
    public func deallocate(_ pointer: UnsafeMutableRawPointer) {
        Mimalloc.Glibc.free(pointer)
    }
}
