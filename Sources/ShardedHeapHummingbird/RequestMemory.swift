#if Hummingbird
import ShardedHeap
import Synchronization

/// Memory for one request: a handler allocates from it as it likes, and all of it is freed at
/// once when the request is done.
///
/// "Done" means: nothing made from it is alive any more. `RequestMemory` is an `Allocator`
/// whose blocks keep it alive: an `OffHeapArray(allocator: memory)` or a
/// `UniqueBuffer(capacity:allocator: memory)` retains it, so such a value may even travel into a
/// response body that Hummingbird writes after the handler has returned. With
/// ``RequestMemoryMiddleware`` in the router, the memory also stays until the response body has
/// been written, for bodies that use raw pointers into it. Freeing a single block does nothing
/// (the bytes go back with the rest); reallocating may move a block within the memory.
///
/// Underneath is a `SharedRegion` opened on `PagePool.current` at
/// the first allocation: on a shard thread (with `ShardGroup.installAsGlobalExecutor()`,
/// Hummingbird's handlers run on one) its pages come from that shard's pool without a lock. No
/// region is opened, and no page taken, before the first allocation.
///
/// Safe to use from any task of the request at once.
public final class RequestMemory: Sendable {
    /// The region, opened at the first allocation (most requests of a server allocate nothing
    /// here, and a request that does not should not pay for a region).
    private let opened = Mutex<SharedRegion?>(nil)
    private let pool: PagePool?

    /// Memory whose pages come from `pool` (by default `PagePool.current` where
    /// the first allocation happens).
    public init(pool: PagePool? = nil) {
        self.pool = pool
    }

    deinit {
        opened.withLock { $0?.close() }
    }

    /// The region, opened now if it was not yet.
    var region: SharedRegion {
        opened.withLock { region in
            if let region { return region }
            let made = SharedRegion.open(pool: pool)
            region = made
            return made
        }
    }

    /// The number of pages the memory holds now.
    public var pageCount: Int { opened.withLock { $0?.pageCount ?? 0 } }

    /// Whether anything was allocated from it.
    public var isUsed: Bool { opened.withLock { $0 != nil } }
}
#endif
