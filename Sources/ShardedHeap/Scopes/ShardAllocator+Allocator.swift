/// Raw pointers from a shard allocator carry a 16-byte header at a fixed offset, just before the
/// returned address:
///
///     block start: [ record of the counting shard | usable size ] [ your bytes ... ]
///                                                                 ^ returned pointer = block + 16
///
/// The offset is always 16: above 16-byte alignment the block is placed so that the address 16
/// bytes in is aligned (`mi_heap_malloc_aligned_at`). So `deallocate` finds the block without
/// reading anything first, and `mi_free` does not wait for the header load; the header only
/// says where to count the free (frees may come from any thread). Buffers (`makeBuffer`,
/// `makeUniqueBuffer`) keep this in the buffer itself and pay for no header.
///
/// The cost of the header: 16 bytes per block, which moves a request near a size class's top
/// into the next class (1,024 bytes become a 1,040-byte request, past mimalloc's small-object
/// fast path at 1,024).
extension ShardAllocator: Allocator {
    /// The bytes before every raw pointer.
    @usableFromInline static let headerSize = 16

    /// Allocates `byteCount` bytes from the shard running the caller (or the fallback off it).
    ///
    /// - Parameters:
    ///   - byteCount: The size in bytes; zero is valid.
    ///   - alignment: A power of two from 1 to 65,536; 16 by default.
    /// - Returns: The first byte. Free it with ``deallocate(_:)`` of any shard allocator, on any
    ///   thread.
    /// - Throws: ``AllocationError/limitExceeded(shard:limit:live:requested:)`` when the serving
    ///   shard's memory limit is reached; ``AllocationError/outOfMemory(requested:alignment:)``
    ///   otherwise.
    /// - Precondition: `byteCount >= 0`; `alignment` is a power of two in range.
    /// - Complexity: O(1).
    ///
    /// Any thread may call this.
    @inlinable
    public func allocate(byteCount: Int, alignment: Int = 16) throws(AllocationError) -> UnsafeMutableRawPointer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "ShardAllocator.allocate")
        let (total, overflow) = byteCount.addingReportingOverflow(ShardAllocator.headerSize)
        if _fastPath(!overflow && alignment <= 16), let current = Mimalloc.Shard.current,
            current.groupID == groupID, let heap = current.heap,
            let (block, usable) = heap.allocate(byteCount: total, alignment: 16, table: current.sizeClasses)
        {
            current.countOwnerAllocation(bytes: usable)
            #if DEBUG
            OwnershipAudit.check(block, in: heap, of: current)
            #endif
            return ShardAllocator.writeHeader(block: block, usableSize: usable, origin: current)
        }
        return try allocateSlow(byteCount: byteCount, alignment: alignment)
    }

    /// Writes the header and returns the address after it.
    @inlinable
    @inline(__always)
    static func writeHeader(
        block: UnsafeMutableRawPointer,
        usableSize: Int,
        origin: Mimalloc.Shard
    ) -> UnsafeMutableRawPointer {
        // Safe: every block is at least 16 bytes long and 16-byte aligned (mimalloc's minimum),
        // so the header's two words lie inside it.
        block.storeBytes(of: origin.opaque, as: UnsafeMutableRawPointer.self)
        block.storeBytes(of: usableSize, toByteOffset: 8, as: Int.self)
        return block + headerSize
    }

    /// Frees a block that went over its shard's cap, takes its count back and throws.
    @usableFromInline
    @inline(never)
    func refuseOverLimit(
        _ block: UnsafeMutableRawPointer,
        usableSize: Int,
        on shard: Mimalloc.Shard,
        byteCount: Int,
        alignment: Int
    ) throws(AllocationError) -> Never {
        _ = Block.refuseOverLimit(block, usableSize: usableSize, on: shard)
        throw Block.failure(byteCount: byteCount, alignment: alignment, groupID: groupID)
    }

    /// Over 16-byte alignment, off the shard's thread, and failures.
    @usableFromInline
    @inline(never)
    func allocateSlow(byteCount: Int, alignment: Int) throws(AllocationError) -> UnsafeMutableRawPointer {
        let (total, overflow) = byteCount.addingReportingOverflow(ShardAllocator.headerSize)
        guard !overflow else { throw .outOfMemory(requested: byteCount, alignment: alignment) }
        if let current = Mimalloc.Shard.current, current.groupID == groupID,
            let heap = current.heap ?? current.cappedHeap
        {
            let placed: (UnsafeMutableRawPointer, Int)?
            if alignment <= 16 {
                placed = heap.allocate(byteCount: total, alignment: 16, table: current.sizeClasses)
            } else {
                placed = heap.allocate(byteCount: total, alignment: alignment, alignedAt: ShardAllocator.headerSize)
                    .map { ($0, Mimalloc.usableSize($0)) }
            }
            guard let (block, usable) = placed else {
                throw Block.failure(byteCount: byteCount, alignment: alignment, groupID: groupID)
            }
            current.countOwnerAllocation(bytes: usable)
            guard current.isWithinLimit else {
                try refuseOverLimit(block, usableSize: usable, on: current, byteCount: byteCount, alignment: alignment)
            }
            #if DEBUG
            OwnershipAudit.check(block, in: heap, of: current)
            #endif
            return ShardAllocator.writeHeader(block: block, usableSize: usable, origin: current)
        }
        let placed =
            alignment <= 16
            ? Mimalloc.allocate(byteCount: total, alignment: 16)
            : Mimalloc.allocate(byteCount: total, alignment: alignment, alignedAt: ShardAllocator.headerSize)
                .map { ($0, Mimalloc.usableSize($0)) }
        guard let (block, usable) = placed else { throw .outOfMemory(requested: byteCount, alignment: alignment) }
        fallbackShard.countOtherAllocation(bytes: usable)
        boundShard.countForeignAllocation()
        return ShardAllocator.writeHeader(block: block, usableSize: usable, origin: fallbackShard)
    }

    /// Frees a pointer from any shard allocator's ``allocate(byteCount:alignment:)``, on any thread.
    /// The free is counted in the shard that made the block.
    /// - Precondition: `pointer` came from a shard allocator and was not freed yet (not checked).
    ///
    /// Any thread may call this.
    @inlinable
    public func deallocate(_ pointer: UnsafeMutableRawPointer) {
        ShardAllocator.deallocateWithHeader(pointer)
    }

    /// Frees a block that carries the raw-pointer header, counting the free in its record.
    @inlinable
    @inline(__always)
    static func deallocateWithHeader(_ pointer: UnsafeMutableRawPointer) {
        let block = pointer - ShardAllocator.headerSize
        // Safe: `allocate` wrote the header in the 16 bytes before `pointer`.
        let origin = block.load(as: UnsafeMutableRawPointer.self)
        let usable = block.load(fromByteOffset: 8, as: Int.self)
        Mimalloc.free(block)
        Mimalloc.Shard(opaque: origin).countFree(bytes: usable)
    }

    /// Resizes a block, keeping its first bytes; stays in place while the new size fits the block
    /// and is at least half of it. A moved block comes from the shard running the caller.
    /// - Throws: ``AllocationError/outOfMemory(requested:alignment:)``; `pointer` is then unchanged.
    /// - Complexity: O(`byteCount`) when the block moves.
    ///
    /// Any thread may call this.
    public func reallocate(
        _ pointer: UnsafeMutableRawPointer,
        byteCount: Int,
        alignment: Int = 16
    ) throws(AllocationError) -> UnsafeMutableRawPointer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "ShardAllocator.reallocate")
        // Safe: `allocate` wrote the header in the 16 bytes before `pointer`.
        let capacity =
            (pointer - ShardAllocator.headerSize).load(fromByteOffset: 8, as: Int.self) - ShardAllocator.headerSize
        if byteCount <= capacity && byteCount >= capacity / 2 && Int(bitPattern: pointer) % alignment == 0 {
            return pointer
        }
        let moved = try allocate(byteCount: byteCount, alignment: alignment)
        // Safe: both blocks are live and distinct; the copy stays inside the smaller one.
        moved.copyMemory(from: pointer, byteCount: min(capacity, byteCount))
        deallocate(pointer)
        return moved
    }
}
