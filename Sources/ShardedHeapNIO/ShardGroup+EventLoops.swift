#if NIO
import NIOCore
import NIOPosix
import ShardedHeap

extension ShardGroup {
    /// Creates a group with one shard per event loop of `eventLoopGroup`, whose heap lives on that
    /// loop's thread: everything allocated on an event loop (with ``NIOCore/ByteBufferAllocator/sharded``,
    /// buffers, raw shard allocations) then comes from that loop's shard, counted there.
    ///
    /// Shard `i` is the `i`th loop of `eventLoopGroup.makeIterator()`. Each shard's heap is set up
    /// by a task this initialiser queues on its loop, so it is in place before anything queued
    /// there later (a channel's registration, say) runs. Work for a shard's executor (an actor pinned to
    /// it, `withShardedAllocation(on:shard:_:)`) runs on that loop's thread, in order, between
    /// the loop's own tasks; it must not block, as nothing on an event loop may. Idle maintenance
    /// runs there too, `idleCollectDelay` after other threads freed the shard's blocks.
    ///
    /// Shut this group down *before* the event loop group: `shutdown()` deletes each heap on
    /// its loop's thread. If the event loops end first, each shard notices its thread's exit,
    /// counts as stopped, and leaves the heap to mimalloc (which deletes a thread's heaps when the
    /// thread ends); work queued for it afterwards runs on a retired thread of the shard's own.
    ///
    /// A loop's thread can serve one shard: adopting the same event loop group twice traps when
    /// the second group's shard starts.
    ///
    /// - Parameters:
    ///   - eventLoopGroup: The loops to adopt; NIO owns their threads.
    ///   - idleCollectDelay: How long after other threads freed a shard's blocks its loop collects
    ///     the heap.
    public convenience init(
        adopting eventLoopGroup: MultiThreadedEventLoopGroup,
        idleCollectDelay: Duration = .milliseconds(50)
    ) {
        let hosts: [any HostedRunLoop] = eventLoopGroup.makeIterator().map { EventLoopHost($0) }
        self.init(adopting: hosts, idleCollectDelay: idleCollectDelay)
    }
}
#endif
