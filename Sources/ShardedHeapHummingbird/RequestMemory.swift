#if Hummingbird
import ShardedHeap

/// Memory for one request: a handler allocates from it as it likes, and all of it is freed at
/// once when the request is done.
///
/// "Done" means: nothing made from it is alive any more. `RequestMemory` is an ``ShardedHeap/Allocator``
/// whose blocks keep it alive: an `OffHeapArray(allocator: memory)` or a
/// `UniqueBuffer(capacity:allocator: memory)` retains it, so such a value may even travel into a
/// response body that Hummingbird writes after the handler has returned. With
/// ``RequestMemoryMiddleware`` in the router, the memory also stays until the response body has
/// been written, for bodies that use raw pointers into it. Freeing a single block does nothing
/// (the bytes go back with the rest); reallocating may move a block within the memory.
///
/// Underneath is a ``ShardedHeap/SharedRegion`` opened on ``ShardedHeap/PagePool/current`` when
/// the memory is made: on a shard thread (with `ShardGroup.installAsGlobalExecutor()`,
/// Hummingbird's handlers run on one) its pages come from that shard's pool without a lock. No
/// page is taken before the first allocation.
///
/// Safe to use from any task of the request at once.
public final class RequestMemory: Sendable {
    let region: SharedRegion

    /// Memory whose pages come from `pool` (by default ``ShardedHeap/PagePool/current``).
    public init(pool: PagePool? = nil) {
        region = SharedRegion.open(pool: pool)
    }

    deinit {
        region.close()
    }

    /// The number of pages the memory holds now.
    public var pageCount: Int { region.pageCount }

    /// Whether anything was allocated from it (it holds a page or a large block).
    public var isUsed: Bool { region.pageCount > 0 || region.largeBlockCount > 0 }
}
#endif
