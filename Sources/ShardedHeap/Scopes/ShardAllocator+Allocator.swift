/// Raw pointers from a shard allocator carry a 16-byte header just before the returned address:
///
///     block start ... [ origin slot | usable << 17 | offset ] [ your bytes ... ]
///                                                             ^ returned pointer = block + offset
///
/// `offset` is 16, or the alignment when that is larger, so the returned pointer has the requested
/// alignment. `deallocate` reads the header to count the free in the shard that made the block
/// (frees may come from any thread) and always frees the pointer mimalloc returned, never the
/// shifted one. Buffers (`makeBuffer`, `makeUniqueBuffer`) keep this information in the buffer
/// itself and pay for no header.
extension ShardAllocator: Allocator {
    static let headerSize = 16
    private static let offsetBits = 17  // offsets go up to 65,536

    /// Allocates `byteCount` bytes from the shard running the caller (or the fallback off it).
    ///
    /// - Parameters:
    ///   - byteCount: The size in bytes; zero is valid.
    ///   - alignment: A power of two from 1 to 65,536; 16 by default.
    /// - Returns: The first byte. Free it with ``deallocate(_:)`` of any shard allocator, on any
    ///   thread.
    /// - Throws: ``AllocationError/limitExceeded(shard:limit:requested:)`` when the serving
    ///   shard's memory limit is reached; ``AllocationError/outOfMemory(requested:alignment:)``
    ///   otherwise.
    /// - Precondition: `byteCount >= 0`; `alignment` is a power of two in range.
    /// - Complexity: O(1).
    public func allocate(byteCount: Int, alignment: Int = 16) throws(AllocationError) -> UnsafeMutableRawPointer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "ShardAllocator.allocate")
        let offset = max(ShardAllocator.headerSize, alignment)
        let (total, overflow) = byteCount.addingReportingOverflow(offset)
        guard !overflow else { throw .outOfMemory(requested: byteCount, alignment: alignment) }
        guard let block = allocateBlock(byteCount: total, alignment: max(alignment, 16)) else {
            throw Block.failure(byteCount: byteCount, alignment: alignment, groupID: group.id)
        }
        let user = block.pointer + offset
        // Safe: `offset >= 16`, so the header's two words lie inside the block, before `user`;
        // `user - 16` is 16-byte aligned because both the block and `offset` are.
        (user - 16).storeBytes(of: UInt(bitPattern: Int(bitPattern: block.origin)), as: UInt.self)
        (user - 8).storeBytes(of: UInt(block.usableSize) << ShardAllocator.offsetBits | UInt(offset), as: UInt.self)
        return user
    }

    /// Frees a pointer from any shard allocator's ``allocate(byteCount:alignment:)``, on any thread.
    /// The free is counted in the shard that made the block.
    /// - Precondition: `pointer` came from a shard allocator and was not freed yet (not checked).
    public func deallocate(_ pointer: UnsafeMutableRawPointer) {
        ShardAllocator.block(at: pointer).free()
    }

    /// Resizes a block, keeping its first bytes; stays in place while the new size fits the block
    /// and is at least half of it. A moved block comes from the shard running the caller.
    /// - Throws: ``AllocationError/outOfMemory(requested:alignment:)``; `pointer` is then unchanged.
    /// - Complexity: O(`byteCount`) when the block moves.
    public func reallocate(
        _ pointer: UnsafeMutableRawPointer,
        byteCount: Int,
        alignment: Int = 16
    ) throws(AllocationError) -> UnsafeMutableRawPointer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "ShardAllocator.reallocate")
        let old = ShardAllocator.block(at: pointer)
        let capacity = old.usableSize - (pointer - old.pointer)
        if byteCount <= capacity && byteCount >= capacity / 2 && Int(bitPattern: pointer) % alignment == 0 {
            return pointer
        }
        let moved = try allocate(byteCount: byteCount, alignment: alignment)
        // Safe: both blocks are live and distinct; the copy stays inside the smaller one.
        moved.copyMemory(from: pointer, byteCount: min(capacity, byteCount))
        old.free()
        return moved
    }

    /// The block behind a pointer from ``allocate(byteCount:alignment:)``.
    static func block(at pointer: UnsafeMutableRawPointer) -> Block {
        // Safe: the header was written by `allocate` in the 16 bytes before `pointer`.
        let origin = (pointer - 16).load(as: UInt.self)
        let packed = (pointer - 8).load(as: UInt.self)
        let offset = Int(packed & (1 << offsetBits - 1))
        return Block(
            pointer: pointer - offset,
            usableSize: Int(packed >> offsetBits),
            origin: UnsafeMutableRawPointer(bitPattern: origin)!
        )
    }
}
