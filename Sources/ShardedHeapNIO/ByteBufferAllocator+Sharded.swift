#if NIO
import NIOCore
import ShardedHeap

extension ByteBufferAllocator {
    /// A `ByteBufferAllocator` whose buffers come from shard heaps.
    ///
    /// - On the owner thread of a shard (of any group; the event loops of a group made with
    ///   `ShardGroup(adopting:)` are such threads), a buffer comes from that shard's heap and counts in its counters.
    /// - Anywhere else, from the calling thread's default mimalloc heap, counted in
    ///   `ShardGroup.shared`'s fallback bucket (or, past a capped shard's cap, in its group's).
    /// - Frees happen wherever NIO drops the buffer, and count in the shard that made it.
    ///
    /// Two things to know. `buffer(capacity: 0)` returns NIO's shared empty buffer, which belongs
    /// to NIO's *default* allocator: writes into it grow through `malloc`, not through this
    /// allocator. Ask for at least one byte, or use ``nonEmptyBuffer(capacity:)``. And NIO cannot
    /// take an allocation failure: on a capped shard at its cap, buffers come from the group's
    /// fallback heap (counted there) so that the shard itself stays within its cap.
    ///
    /// Every block carries a 16-byte header in front of NIO's bytes (NIO rounds capacities to
    /// powers of two, so a 1,024-byte buffer takes a 1,040-byte block).
    ///
    /// Any thread may use it.
    public static var sharded: ByteBufferAllocator { ShardedByteBufferHooks.allocator }

    /// A buffer with room for at least `capacity` bytes that this allocator really made, even
    /// when `capacity` is 0 (then one byte is asked for), unlike `buffer(capacity:)`, which
    /// returns NIO's shared empty buffer for 0.
    /// - Precondition: `capacity >= 0`.
    public func nonEmptyBuffer(capacity: Int) -> ByteBuffer {
        require(capacity >= 0, "ByteBufferAllocator.nonEmptyBuffer: capacity must not be negative (got \(capacity))")
        return buffer(capacity: Swift.max(capacity, 1))
    }
}
#endif
