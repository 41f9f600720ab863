/// One live block of mimalloc memory and the slot it is counted in.
///
/// `Block` is the shared engine of `OwnedBuffer`, `UniqueBuffer` and the shard allocator. It
/// decides, at each call and from the current thread, which heap may serve a request:
/// - on the owner thread of a shard (of the requested heap, if one is named) it uses that shard's
///   heap and counts with plain stores;
/// - anywhere else it uses the calling thread's default mimalloc heap and counts the block in the
///   heap's fallback bucket.
/// Freeing is allowed on any thread (`mi_free`); the free is counted in the block's own slot.
struct Block {
    var pointer: UnsafeMutableRawPointer
    /// `mi_usable_size(pointer)`, kept so that frees need not ask again (for a block of an
    /// external allocator: the requested size).
    var usableSize: Int
    /// The `ShardSlot` this block is counted in (slots are immortal), or, with the low bit set, a
    /// retained `ExternalAllocator` box that owns the block.
    var origin: UnsafeMutableRawPointer

    init(pointer: UnsafeMutableRawPointer, usableSize: Int, origin: UnsafeMutableRawPointer) {
        self.pointer = pointer
        self.usableSize = usableSize
        self.origin = origin
    }
}

extension Block {
    /// The largest alignment a request may ask for.
    static let maximumAlignment = 1 << 16

    /// Checks a request and traps with a message naming the bad value.
    @inline(__always)
    static func checkRequest(byteCount: Int, alignment: Int, caller: StaticString) {
        require(byteCount >= 0, "\(caller): byteCount must not be negative (got \(byteCount))")
        require(
            alignment > 0 && alignment & (alignment - 1) == 0 && alignment <= maximumAlignment,
            "\(caller): alignment must be a power of two from 1 to \(maximumAlignment) (got \(alignment))"
        )
    }

    /// Allocates a block.
    ///
    /// - Parameters:
    ///   - groupID: Serve only from shards of this group; nil for any shard of any group.
    ///   - fallback: The bucket that counts the block when no suitable shard runs the caller.
    ///   - boundShard: The shard an allocator was bound to; an off-owner request counts one
    ///     foreign allocation there.
    /// - Returns: nil when mimalloc is out of memory.
    @inline(__always)
    static func allocate(
        byteCount: Int,
        alignment: Int,
        groupID: Int?,
        fallback: ShardSlot,
        boundShard: ShardSlot? = nil
    ) -> Block? {
        if let current = Mimalloc.currentShardSlot {
            // Safe: slots are immortal (ShardSlot.registry), so the unretained reference is valid.
            let served: Block?? = ShardSlot.from(current)._withUnsafeGuaranteedRef { slot in
                guard groupID == nil || slot.groupID == groupID, let heap = slot.heap else { return .none }
                // Safe: the thread-local slot is only ever set on the heap's owner thread, so
                // using `heap` here is use on its owner.
                guard let (pointer, usable) = heap.allocate(byteCount: byteCount, alignment: alignment) else {
                    return .some(nil)
                }
                slot.recordOwnerAllocation(bytes: usable)
                #if DEBUG
                OwnershipAudit.check(pointer, in: heap, of: slot)
                #endif
                return .some(Block(pointer: pointer, usableSize: usable, origin: current))
            }
            if let served { return served }
        }
        return allocateFallback(byteCount: byteCount, alignment: alignment, fallback: fallback, boundShard: boundShard)
    }

    @inline(never)
    static func allocateFallback(
        byteCount: Int,
        alignment: Int,
        fallback: ShardSlot,
        boundShard: ShardSlot?
    ) -> Block? {
        guard let (pointer, usable) = Mimalloc.allocate(byteCount: byteCount, alignment: alignment) else {
            return nil
        }
        fallback.recordSharedAllocation(bytes: usable)
        boundShard?.foreignAllocations.wrappingAdd(1, ordering: .relaxed)
        return Block(pointer: pointer, usableSize: usable, origin: fallback.opaque)
    }

    /// Explains why `allocate` just returned nil on this thread: the shard serving the caller has
    /// a memory limit (its arena is full), or mimalloc is out of memory.
    static func failure(byteCount: Int, alignment: Int, groupID: Int?) -> AllocationError {
        if let current = Mimalloc.currentShardSlot {
            let slot = ShardSlot.from(current).takeUnretainedValue()
            if groupID == nil || slot.groupID == groupID, let limit = slot.memoryLimit {
                return .limitExceeded(shard: slot.index, limit: limit, requested: byteCount)
            }
        }
        return .outOfMemory(requested: byteCount, alignment: alignment)
    }

    /// Traps with the message of `error`.
    static func fail(_ error: AllocationError) -> Never {
        fatalError("ShardedHeap: \(error)")
    }

    /// Frees the block on the calling thread (any thread) and counts the free in its slot.
    @inline(__always)
    func free() {
        if isExternal {
            freeExternal()
            return
        }
        Mimalloc.free(pointer)
        if Mimalloc.currentShardSlot == origin {
            // Safe: slots are immortal; on the owner thread the plain-store path is exclusive.
            ShardSlot.from(origin)._withUnsafeGuaranteedRef { $0.recordOwnerFree(bytes: usableSize) }
        } else {
            ShardSlot.from(origin)._withUnsafeGuaranteedRef { $0.recordSharedFree(bytes: usableSize) }
        }
    }

    /// Moves the block to one of `newByteCount` bytes, keeping the first
    /// `min(oldByteCount, newByteCount)` bytes. The new block is placed from the calling thread,
    /// in the same heap as the old one. Stays in place when the size class still fits.
    /// - Returns: false when out of memory; the block is then unchanged.
    mutating func resize(from oldByteCount: Int, to newByteCount: Int, alignment: Int) -> Bool {
        if isExternal {
            return resizeExternal(to: newByteCount, alignment: alignment)
        }
        if newByteCount <= usableSize && newByteCount >= usableSize / 2 {
            return true
        }
        let slot = ShardSlot.from(origin).takeUnretainedValue()
        guard
            let moved = Block.allocate(
                byteCount: newByteCount,
                alignment: alignment,
                groupID: slot.groupID,
                fallback: slot.fallback
            )
        else { return false }
        // Safe: both blocks are live and at least `min(old, new)` bytes long; they are distinct.
        moved.pointer.copyMemory(from: pointer, byteCount: min(oldByteCount, newByteCount))
        free()
        self = moved
        return true
    }
}

// MARK: Blocks of other allocators

/// An allocator that owns some buffers' blocks, boxed so that a buffer can keep it in one tagged
/// word (`Block.origin` with its low bit set).
final class ExternalAllocator: Sendable {
    let allocator: any Allocator & Sendable
    init(_ allocator: any Allocator & Sendable) { self.allocator = allocator }
}

extension Block {
    /// Allocates through another allocator. The block keeps the allocator alive until it is freed.
    /// - Returns: nil when the allocator throws.
    static func allocate(
        byteCount: Int,
        alignment: Int,
        through allocator: any Allocator & Sendable
    ) -> Block? {
        guard let pointer = try? allocator.allocate(byteCount: byteCount, alignment: alignment) else { return nil }
        let box = Unmanaged.passRetained(ExternalAllocator(allocator)).toOpaque()
        // Safe: class instances are at least 16-byte aligned, so bit 0 is free for the tag.
        return Block(pointer: pointer, usableSize: byteCount, origin: box + 1)
    }

    /// The block behind a buffer made without an allocator: from the shard running the caller (any
    /// group), or the calling thread's default heap counted in
    /// `ShardGroup.shared`'s fallback bucket. Traps on bad arguments and when memory runs out.
    static func make(byteCount: Int, alignment: Int, caller: StaticString) -> Block {
        checkRequest(byteCount: byteCount, alignment: alignment, caller: caller)
        guard
            let block = allocate(
                byteCount: byteCount,
                alignment: alignment,
                groupID: nil,
                fallback: ShardGroup.shared.fallbackSlot
            )
        else { fail(failure(byteCount: byteCount, alignment: alignment, groupID: nil)) }
        return block
    }

    /// The block behind a buffer made with an allocator: a shard allocator's own path, or any
    /// other allocator (each frees blocks one by one; regions are not allocators). Traps on bad
    /// arguments and when memory runs out.
    static func make<A: Allocator & Sendable>(
        byteCount: Int,
        alignment: Int,
        allocator: A,
        caller: StaticString
    ) -> Block {
        checkRequest(byteCount: byteCount, alignment: alignment, caller: caller)
        let made: Block?
        if let shard = allocator as? ShardAllocator {
            made = shard.allocateBlock(byteCount: byteCount, alignment: alignment)
        } else {
            made = allocate(byteCount: byteCount, alignment: alignment, through: allocator)
        }
        guard let block = made else { fail(failure(byteCount: byteCount, alignment: alignment, groupID: nil)) }
        return block
    }

    /// The index of the shard whose heap the block came from, or nil for a default heap (the
    /// fallback) or another allocator.
    var shardIndex: Int? {
        guard let slot, !slot.isFallback else { return nil }
        return slot.index
    }

    @inline(__always)
    var isExternal: Bool { Int(bitPattern: origin) & 1 != 0 }

    /// The external allocator's box, unretained. Only for external blocks.
    private var externalBox: Unmanaged<ExternalAllocator> {
        Unmanaged.fromOpaque(origin - 1)
    }

    /// The slot this block is counted in, or nil for a block of an external allocator.
    var slot: ShardSlot? {
        isExternal ? nil : ShardSlot.from(origin).takeUnretainedValue()
    }

    @inline(never)
    private func freeExternal() {
        // Safe: the box was retained once when the block was made and is released once, here.
        let box = externalBox.takeRetainedValue()
        box.allocator.deallocate(pointer)
    }

    private mutating func resizeExternal(to newByteCount: Int, alignment: Int) -> Bool {
        let allocator = externalBox.takeUnretainedValue().allocator
        guard let moved = try? allocator.reallocate(pointer, byteCount: newByteCount, alignment: alignment) else {
            return false
        }
        pointer = moved
        usableSize = newByteCount
        return true
    }
}
