import ShardedHeap

/// An actor whose code runs on a given serial executor.
public actor PinnedActor {
    public nonisolated let unownedExecutor: UnownedSerialExecutor

    public init(executor: any SerialExecutor) {
        self.unownedExecutor = executor.asUnownedSerialExecutor()
    }

    /// The shard of `heap` whose thread runs this actor's code now, or nil.
    public func shardIndex(of heap: ShardGroup) -> Int? { heap.currentShardIndex }
}
