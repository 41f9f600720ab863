/// One live block of mimalloc memory and the record it is counted in.
///
/// `Block` is the shared engine of `OwnedBuffer`, `UniqueBuffer` and the shard allocator. It
/// decides, at each call and from the current thread, which heap may serve a request:
/// - on the owner thread of a shard (of the requested group, if one is named) it uses that
///   shard's heap and counts with plain stores;
/// - anywhere else it uses the calling thread's default mimalloc heap and counts the block in
///   the group's fallback bucket (in the calling thread's own entry, with plain stores).
/// Freeing is allowed on any thread (`mi_free`); the free is counted in the block's own record.
///
/// ## Inlined into the caller
/// The allocation and free fast paths are `@inlinable`, so that a client module compiles them
/// into its own code: a TLS load, two compares, mimalloc's allocation call and two plain stores.
/// Everything rare (the fallback, failures, other allocators) is outlined.
///
/// Three words: the address, the usable size with the alignment's exponent in its top byte, and
/// the record (or, with the low bit set, a retained box of another allocator).
@usableFromInline
struct Block {
    @usableFromInline var pointer: UnsafeMutableRawPointer
    /// `usableSize | log2(alignment) << 56`.
    @usableFromInline var packedSize: UInt
    /// The `cmi_shard_t` record this block is counted in (records are immortal), or, with the low
    /// bit set, a retained `ExternalAllocator` box that owns the block.
    @usableFromInline var origin: UnsafeMutableRawPointer

    @inlinable
    @inline(__always)
    init(pointer: UnsafeMutableRawPointer, usableSize: Int, alignment: Int, origin: UnsafeMutableRawPointer) {
        self.pointer = pointer
        self.packedSize = UInt(bitPattern: usableSize) | UInt(alignment.trailingZeroBitCount) << 56
        self.origin = origin
    }

    /// `mi_usable_size(pointer)`, kept so that frees need not ask again (for a block of an
    /// external allocator: the requested size).
    @inlinable
    var usableSize: Int { Int(bitPattern: packedSize & (1 << 56 - 1)) }

    /// The alignment the block was made with.
    @inlinable
    var alignment: Int { 1 << Int(packedSize >> 56) }
}

extension Block {
    /// The largest alignment a request may ask for.
    static let maximumAlignment = 1 << 16

    /// Checks a request and traps with a message naming the bad value.
    @inlinable
    @inline(__always)
    static func checkRequest(byteCount: Int, alignment: Int, caller: StaticString) {
        if _slowPath(byteCount < 0 || alignment <= 0 || alignment & (alignment &- 1) != 0 || alignment > 1 << 16) {
            badRequest(byteCount: byteCount, alignment: alignment, caller: caller)
        }
    }

    @usableFromInline
    @inline(never)
    static func badRequest(byteCount: Int, alignment: Int, caller: StaticString) -> Never {
        require(byteCount >= 0, "\(caller): byteCount must not be negative (got \(byteCount))")
        fatalError("\(caller): alignment must be a power of two from 1 to \(maximumAlignment) (got \(alignment))")
    }

    /// Allocates a block.
    ///
    /// - Parameters:
    ///   - groupID: Serve only from shards of this group; nil for any shard of any group.
    ///   - fallback: The bucket that counts the block when no suitable shard runs the caller
    ///     (evaluated only then).
    ///   - boundShard: The shard an allocator was bound to; an off-owner request counts one
    ///     foreign allocation there.
    /// - Returns: nil when mimalloc is out of memory.
    @inlinable
    @inline(__always)
    static func allocate(
        byteCount: Int,
        alignment: Int,
        groupID: Int?,
        fallback: @autoclosure () -> Mimalloc.Shard,
        boundShard: Mimalloc.Shard? = nil
    ) -> Block? {
        if let current = Mimalloc.Shard.current, groupID == nil || current.groupID == groupID,
            let heap = current.heap
        {
            // Safe: a thread's current record is set only on that shard's owner thread, so using
            // its heap here is use on its owner.
            guard
                let (pointer, usable) = heap.allocate(
                    byteCount: byteCount,
                    alignment: alignment,
                    table: current.sizeClasses
                )
            else { return nil }
            current.countOwnerAllocation(bytes: usable)
            #if DEBUG
            OwnershipAudit.check(pointer, in: heap, of: current)
            #endif
            return Block(pointer: pointer, usableSize: usable, alignment: alignment, origin: current.opaque)
        }
        return allocateFallback(
            byteCount: byteCount,
            alignment: alignment,
            groupID: groupID,
            fallback: fallback(),
            boundShard: boundShard
        )
    }

    /// Frees a block that went over its shard's cap and takes its count back.
    /// - Returns: nil, for the caller to report `limitExceeded`.
    @usableFromInline
    @inline(never)
    static func refuseOverLimit(_ pointer: UnsafeMutableRawPointer, usableSize: Int, on shard: Mimalloc.Shard) -> Block?
    {
        Mimalloc.free(pointer)
        shard.uncountOwnerAllocation(bytes: usableSize)
        return nil
    }

    @usableFromInline
    @inline(never)
    static func allocateFallback(
        byteCount: Int,
        alignment: Int,
        groupID: Int?,
        fallback: Mimalloc.Shard,
        boundShard: Mimalloc.Shard?
    ) -> Block? {
        // A shard with a cap keeps its heap out of the inlined path: it allocates here, and
        // refuses a block that takes its live bytes past the cap.
        if let current = Mimalloc.Shard.current, groupID == nil || current.groupID == groupID,
            let heap = current.cappedHeap
        {
            guard
                let (pointer, usable) = heap.allocate(
                    byteCount: byteCount,
                    alignment: alignment,
                    table: current.sizeClasses
                )
            else { return nil }
            current.countOwnerAllocation(bytes: usable)
            guard current.isWithinLimit else { return refuseOverLimit(pointer, usableSize: usable, on: current) }
            #if DEBUG
            OwnershipAudit.check(pointer, in: heap, of: current)
            #endif
            return Block(pointer: pointer, usableSize: usable, alignment: alignment, origin: current.opaque)
        }
        guard let (pointer, usable) = Mimalloc.allocate(byteCount: byteCount, alignment: alignment) else {
            return nil
        }
        fallback.countOtherAllocation(bytes: usable)
        boundShard?.countForeignAllocation()
        return Block(pointer: pointer, usableSize: usable, alignment: alignment, origin: fallback.opaque)
    }

    /// Explains why `allocate` just returned nil on this thread: the shard serving the caller has
    /// a memory limit (its arena is full), or mimalloc is out of memory.
    @usableFromInline
    static func failure(byteCount: Int, alignment: Int, groupID: Int?) -> AllocationError {
        if let slot = ShardSlot.current, groupID == nil || slot.groupID == groupID, let limit = slot.memoryLimit {
            return .limitExceeded(shard: slot.index, limit: limit, live: slot.counters.liveBytes, requested: byteCount)
        }
        return .outOfMemory(requested: byteCount, alignment: alignment)
    }

    /// Traps with the message of `error`.
    @usableFromInline
    @inline(never)
    static func fail(_ error: AllocationError) -> Never {
        fatalError("ShardedHeap: \(error)")
    }

    /// Traps with the failure `allocate` just met (see ``failure(byteCount:alignment:groupID:)``).
    @usableFromInline
    @inline(never)
    static func failAllocation(byteCount: Int, alignment: Int, groupID: Int?) -> Never {
        fail(failure(byteCount: byteCount, alignment: alignment, groupID: groupID))
    }

    /// Frees the block on the calling thread (any thread) and counts the free in its record.
    @inlinable
    @inline(__always)
    func free() {
        if _slowPath(isExternal) {
            freeExternal()
            return
        }
        Mimalloc.free(pointer)
        Mimalloc.Shard(opaque: origin).countFree(bytes: usableSize)
    }

    /// Moves the block to one of `newByteCount` bytes, keeping the first
    /// `min(oldByteCount, newByteCount)` bytes. The new block is placed from the calling thread,
    /// in the same group as the old one. Stays in place when the size class still fits.
    /// - Returns: false when out of memory; the block is then unchanged.
    mutating func resize(from oldByteCount: Int, to newByteCount: Int) -> Bool {
        let alignment = self.alignment
        if isExternal {
            return resizeExternal(to: newByteCount, alignment: alignment)
        }
        if newByteCount <= usableSize && newByteCount >= usableSize / 2 {
            return true
        }
        let slot = ShardSlot.of(Mimalloc.Shard(opaque: origin))
        guard
            let moved = Block.allocate(
                byteCount: newByteCount,
                alignment: alignment,
                groupID: slot.groupID,
                fallback: slot.fallback.shard
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
        return Block(pointer: pointer, usableSize: byteCount, alignment: alignment, origin: box + 1)
    }

    /// The block behind a buffer made without an allocator: from the shard running the caller (any
    /// group), or the calling thread's default heap counted in `ShardGroup.shared`'s fallback
    /// bucket. Traps on bad arguments and when memory runs out.
    @inlinable
    static func make(byteCount: Int, alignment: Int, caller: StaticString) -> Block {
        checkRequest(byteCount: byteCount, alignment: alignment, caller: caller)
        guard let block = allocate(byteCount: byteCount, alignment: alignment, groupID: nil, fallback: sharedFallback)
        else { failAllocation(byteCount: byteCount, alignment: alignment, groupID: nil) }
        return block
    }

    /// `ShardGroup.shared`'s fallback bucket, for blocks made without an allocator.
    @usableFromInline
    static var sharedFallback: Mimalloc.Shard { ShardGroup.shared.fallbackSlot.shard }

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
        guard let block = made else { failAllocation(byteCount: byteCount, alignment: alignment, groupID: nil) }
        return block
    }

    /// The index of the shard whose heap the block came from, or nil for a default heap (the
    /// fallback) or another allocator.
    var shardIndex: Int? {
        guard let slot, !slot.isFallback else { return nil }
        return slot.index
    }

    @inlinable
    @inline(__always)
    var isExternal: Bool { Int(bitPattern: origin) & 1 != 0 }

    /// The external allocator's box, unretained. Only for external blocks.
    private var externalBox: Unmanaged<ExternalAllocator> {
        Unmanaged.fromOpaque(origin - 1)
    }

    /// The slot this block is counted in, or nil for a block of an external allocator.
    var slot: ShardSlot? {
        isExternal ? nil : ShardSlot.of(Mimalloc.Shard(opaque: origin))
    }

    @usableFromInline
    @inline(never)
    func freeExternal() {
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
        packedSize = UInt(bitPattern: newByteCount) | (packedSize & ~(1 << 56 - 1))
        return true
    }
}
