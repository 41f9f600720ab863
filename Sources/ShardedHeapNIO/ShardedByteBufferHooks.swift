#if NIO
@_spi(CustomByteBufferAllocator) import NIOCore
import ShardedHeap

/// The four C hooks behind ``NIOCore/ByteBufferAllocator/sharded``.
///
/// NIO's hooks get a size or a pointer and no context, so the block carries the shard
/// allocator's 16-byte header (its record and usable size), and a free on any thread finds the
/// shard to count in from the pointer alone. NIO force-unwraps what `allocate` and `reallocate`
/// return, so they never return nil: a capped shard at its cap serves from its group's fallback
/// heap instead, and only mimalloc running out of memory traps (naming the size).
enum ShardedByteBufferHooks {
    static let allocator = ByteBufferAllocator(
        allocate: { size in ContextFreeAllocation.allocate(byteCount: Int(size)) },
        reallocate: { pointer, oldSize, newSize in
            ContextFreeAllocation.reallocate(pointer, oldByteCount: Int(oldSize), newByteCount: Int(newSize))
        },
        deallocate: { pointer in ContextFreeAllocation.deallocate(pointer) },
        copy: { destination, source, count in destination.copyMemory(from: source, byteCount: Int(count)) }
    )
}
#endif
