/// Allocation for callers that can pass no context: C function-pointer hooks such as SwiftNIO's
/// custom `ByteBufferAllocator`, which get a size or a pointer and nothing else.
///
/// A block comes from the shard whose owner thread runs the caller, of any group; anywhere else
/// (and when a capped shard has reached its cap) from the calling thread's default mimalloc heap,
/// counted in the fallback bucket of the current shard's group, or of `ShardGroup.shared` off
/// every shard. Every block carries the raw-pointer header of ``ShardAllocator`` (its record and
/// usable size, 16 bytes before the returned address), so a free on any thread counts in the
/// right record, and ``ShardAllocator/deallocate(_:)`` frees these blocks too.
///
/// Allocation never returns nil: it traps, naming the size, only when mimalloc itself has no
/// memory. Integrations use this through `package` access; it is not public API.
package enum ContextFreeAllocation {
    /// The bytes in front of every block.
    package static var headerSize: Int { ShardAllocator.headerSize }

    /// Allocates `byteCount` bytes, 16-byte aligned. Any thread may call this.
    package static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        Block.checkRequest(byteCount: byteCount, alignment: 16, caller: "ContextFreeAllocation.allocate")
        let (total, overflow) = byteCount.addingReportingOverflow(ShardAllocator.headerSize)
        require(!overflow, "ShardedHeap: cannot allocate \(byteCount) bytes (the size overflows)")
        let current = Mimalloc.Shard.current
        if let current, let heap = current.ownedHeap,
            let (block, usable) = heap.allocate(byteCount: total, alignment: 16, table: current.sizeClasses)
        {
            // Safe: a thread's current record is set only on that shard's owner thread.
            current.countOwnerAllocation(bytes: usable)
            if current.isWithinLimit {
                return ShardAllocator.writeHeader(block: block, usableSize: usable, origin: current)
            }
            // Over the cap: this caller cannot take a failure, so the block comes from the
            // fallback below, and the shard stays within its cap.
            _ = Block.refuseOverLimit(block, usableSize: usable, on: current)
        }
        let fallback = current.map { ShardSlot.of($0).fallback.shard } ?? Block.sharedFallback
        guard let (block, usable) = Mimalloc.allocate(byteCount: total, alignment: 16) else {
            fatalError("ShardedHeap: out of memory allocating \(byteCount) bytes")
        }
        fallback.countOtherAllocation(bytes: usable)
        return ShardAllocator.writeHeader(block: block, usableSize: usable, origin: fallback)
    }

    /// Frees a block of ``allocate(byteCount:)`` (or of a shard allocator), on any thread.
    /// - Precondition: `pointer` came from one of them and was not freed yet (not checked).
    package static func deallocate(_ pointer: UnsafeMutableRawPointer) {
        ShardAllocator.deallocateWithHeader(pointer)
    }

    /// The bytes the block at `pointer` can hold, from its header.
    package static func capacity(of pointer: UnsafeMutableRawPointer) -> Int {
        // Safe: `allocate` wrote the header in the 16 bytes before `pointer`.
        (pointer - ShardAllocator.headerSize).load(fromByteOffset: 8, as: Int.self) - ShardAllocator.headerSize
    }

    /// Resizes a block to hold `newByteCount` bytes, keeping its first `min(old, new)` bytes. The
    /// block stays where it is while the new size fits it and is at least half of it; otherwise a
    /// new block comes from the calling thread's shard (or fallback) and the old one is freed.
    /// A nil `pointer` allocates. Any thread may call this.
    package static func reallocate(
        _ pointer: UnsafeMutableRawPointer?,
        oldByteCount: Int,
        newByteCount: Int
    ) -> UnsafeMutableRawPointer {
        guard let pointer else { return allocate(byteCount: newByteCount) }
        let capacity = capacity(of: pointer)
        if newByteCount <= capacity && newByteCount >= capacity / 2 {
            return pointer
        }
        let moved = allocate(byteCount: newByteCount)
        // Safe: both blocks are live and distinct; the copy stays inside both.
        moved.copyMemory(from: pointer, byteCount: min(oldByteCount, newByteCount, capacity))
        deallocate(pointer)
        return moved
    }
}
