/// Hands out memory from the shard that is running the caller.
///
/// You get one from ``withShardedAllocation(on:shard:_:)`` or
/// ``ShardGroup/task(shard:priority:operation:)``. The allocator is bound to one shard (its
/// ``shardIndex``, where its scope prefers to run), but it decides at *each call*, from the
/// current thread, which heap to use:
/// - on the owner thread of any shard of ``group``, that shard's heap (no lock, no atomic
///   read-modify-write);
/// - anywhere else (the main actor, an actor with its own executor, a contended default actor, a
///   detached task), the calling thread's default mimalloc heap; the block is counted in the
///   heap's fallback bucket and the bound shard counts one foreign allocation.
///
/// A task-executor preference is not a guarantee, so the allocator never trusts a heap across an
/// `await`. It is `Sendable` and may be used from any thread.
public struct ShardAllocator: Sendable {
    /// The group this allocator serves.
    public let group: ShardGroup
    /// The shard this allocator's scope prefers.
    public let shardIndex: Int

    /// `group.id`, kept here for the inlined fast path.
    @usableFromInline let groupID: Int
    /// The record of the bound shard (counts foreign allocations).
    @usableFromInline let boundShard: Mimalloc.Shard
    /// The record of the group's fallback bucket.
    @usableFromInline let fallbackShard: Mimalloc.Shard

    init(group: ShardGroup, shardIndex: Int) {
        self.group = group
        self.shardIndex = shardIndex
        self.groupID = group.id
        self.boundShard = group.executor(at: shardIndex).slot.shard
        self.fallbackShard = group.fallbackSlot.shard
    }

    /// The allocator of the innermost ``withShardedAllocation(on:shard:_:)`` scope of
    /// the current task (inherited by child tasks), or nil outside every scope.
    public static var current: ShardAllocator? { ShardAllocator.binding }

    @TaskLocal static var binding: ShardAllocator?

    /// Whether a call made now would be served by a shard heap (the caller is on an owner thread
    /// of ``group``) rather than by the fallback.
    public var isOnShardThread: Bool { group.currentShardIndex != nil }

    @inlinable
    @inline(__always)
    func allocateBlock(byteCount: Int, alignment: Int) -> Block? {
        Block.allocate(
            byteCount: byteCount,
            alignment: alignment,
            groupID: groupID,
            fallback: fallbackShard,
            boundShard: boundShard
        )
    }

    /// Allocates a uniquely owned buffer with room for at least `capacity` bytes, none of them
    /// initialised yet; freed when it goes out of scope.
    ///
    /// - Parameters:
    ///   - capacity: The bytes to make room for; zero is valid.
    ///   - alignment: A power of two from 1 to 65,536.
    /// - Precondition: `capacity >= 0` and `alignment` is a power of two in range. Running out of
    ///   memory, or over a shard's memory limit, is a fatal error; use
    ///   ``tryMakeUniqueBuffer(capacity:alignment:)`` to handle it.
    /// - Complexity: O(1).
    @inlinable
    public func makeUniqueBuffer(capacity: Int, alignment: Int = 16) -> UniqueBuffer {
        Block.checkRequest(byteCount: capacity, alignment: alignment, caller: "ShardAllocator.makeUniqueBuffer")
        guard let block = allocateBlock(byteCount: capacity, alignment: alignment) else {
            Block.failAllocation(byteCount: capacity, alignment: alignment, groupID: groupID)
        }
        return UniqueBuffer(block: block, count: 0)
    }

    /// Allocates a uniquely owned buffer with room for at least `capacity` bytes, throwing when
    /// memory cannot be had.
    ///
    /// - Throws: ``AllocationError/limitExceeded(shard:limit:live:requested:)`` when the serving shard's
    ///   memory limit is reached; ``AllocationError/outOfMemory(requested:alignment:)`` otherwise.
    /// - Precondition: `capacity >= 0` and `alignment` is a power of two in range.
    /// - Complexity: O(1).
    @inlinable
    public func tryMakeUniqueBuffer(capacity: Int, alignment: Int = 16) throws(AllocationError) -> UniqueBuffer {
        Block.checkRequest(byteCount: capacity, alignment: alignment, caller: "ShardAllocator.tryMakeUniqueBuffer")
        guard let block = allocateBlock(byteCount: capacity, alignment: alignment) else {
            throw Block.failure(byteCount: capacity, alignment: alignment, groupID: groupID)
        }
        return UniqueBuffer(block: block, count: 0)
    }

    /// Allocates a uniquely owned buffer of `byteCount` zeroed bytes.
    ///
    /// - Precondition: As for ``makeUniqueBuffer(capacity:alignment:)``.
    /// - Complexity: O(`byteCount`).
    @inlinable
    public func makeUniqueBuffer(byteCount: Int, alignment: Int = 16) -> UniqueBuffer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "ShardAllocator.makeUniqueBuffer")
        guard let block = allocateBlock(byteCount: byteCount, alignment: alignment) else {
            Block.failAllocation(byteCount: byteCount, alignment: alignment, groupID: groupID)
        }
        var buffer = UniqueBuffer(block: block, count: 0)
        buffer.zeroFill(to: byteCount)
        return buffer
    }

    /// Allocates a uniquely owned buffer of `byteCount` zeroed bytes, throwing when memory cannot
    /// be had.
    ///
    /// - Throws: As ``tryMakeUniqueBuffer(capacity:alignment:)``.
    /// - Precondition: `byteCount >= 0` and `alignment` is a power of two in range.
    /// - Complexity: O(`byteCount`).
    @inlinable
    public func tryMakeUniqueBuffer(byteCount: Int, alignment: Int = 16) throws(AllocationError) -> UniqueBuffer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "ShardAllocator.tryMakeUniqueBuffer")
        guard let block = allocateBlock(byteCount: byteCount, alignment: alignment) else {
            throw Block.failure(byteCount: byteCount, alignment: alignment, groupID: groupID)
        }
        var buffer = UniqueBuffer(block: block, count: 0)
        buffer.zeroFill(to: byteCount)
        return buffer
    }

    /// Allocates a shared buffer of `byteCount` zeroed bytes that frees itself when the last
    /// reference goes away. To share bytes you write, fill a ``UniqueBuffer`` and pass it to
    /// ``OwnedBuffer/init(_:)``.
    ///
    /// - Parameters:
    ///   - byteCount: The size in bytes; zero is valid.
    ///   - alignment: A power of two from 1 to 65,536.
    /// - Precondition: `byteCount >= 0` and `alignment` is a power of two in range. Running out of
    ///   memory, or over a shard's memory limit, is a fatal error; use
    ///   ``tryMakeBuffer(byteCount:alignment:)`` to handle it.
    /// - Complexity: O(`byteCount`).
    @inlinable
    public func makeBuffer(byteCount: Int, alignment: Int = 16) -> OwnedBuffer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "ShardAllocator.makeBuffer")
        guard let block = allocateBlock(byteCount: byteCount, alignment: alignment) else {
            Block.failAllocation(byteCount: byteCount, alignment: alignment, groupID: groupID)
        }
        // Safe: the block holds at least `byteCount` bytes and is not shared yet.
        block.pointer.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        return OwnedBuffer(block: block, count: byteCount)
    }

    /// Allocates a shared buffer of `byteCount` zeroed bytes, throwing when memory cannot be had.
    ///
    /// - Throws: ``AllocationError/limitExceeded(shard:limit:live:requested:)`` when the serving shard's
    ///   memory limit is reached; ``AllocationError/outOfMemory(requested:alignment:)`` otherwise.
    /// - Precondition: `byteCount >= 0` and `alignment` is a power of two in range.
    /// - Complexity: O(`byteCount`).
    @inlinable
    public func tryMakeBuffer(byteCount: Int, alignment: Int = 16) throws(AllocationError) -> OwnedBuffer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "ShardAllocator.tryMakeBuffer")
        guard let block = allocateBlock(byteCount: byteCount, alignment: alignment) else {
            throw Block.failure(byteCount: byteCount, alignment: alignment, groupID: groupID)
        }
        // Safe: as in `makeBuffer`.
        block.pointer.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        return OwnedBuffer(block: block, count: byteCount)
    }

    /// Allocates a shared buffer holding a copy of `bytes`.
    ///
    /// - Precondition: `alignment` is a power of two in range. Running out of memory is a fatal
    ///   error.
    /// - Complexity: O(`bytes.byteCount`).
    @inlinable
    public func makeBuffer(copying bytes: RawSpan, alignment: Int = 16) -> OwnedBuffer {
        var unique = makeUniqueBuffer(capacity: bytes.byteCount, alignment: alignment)
        unique.append(bytes)
        return OwnedBuffer(unique)
    }
}
