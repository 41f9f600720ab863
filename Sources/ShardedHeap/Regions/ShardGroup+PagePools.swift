extension ShardGroup {
    /// Trims the page pool of every running shard on the shard's own thread (see
    /// ``PagePool/trim()``), giving idle chunks back to mimalloc.
    ///
    /// Shards that have not started, or have shut down, are skipped.
    ///
    /// - Returns: The number of bytes given back, over all shards.
    /// - Complexity: One hop per running shard, plus each pool's trim.
    ///
    /// Any task may call this.
    @discardableResult
    public func trimPagePools() async -> Int {
        var total = 0
        for executor in executors where executor.isRunningWithHeap {
            let slot = executor.slot
            total += await executor.perform {
                // On a stopping shard the job may run after the slot was cleared: skip it then.
                guard Mimalloc.Shard.current == slot.shard else { return 0 }
                return slot.pagePool?.trim() ?? 0
            }
        }
        return total
    }

    /// The figures of shard `index`'s page pool, read on the shard's thread, or nil when the
    /// shard is not running or has not made a pool yet.
    ///
    /// - Precondition: `0 <= index < shardCount`.
    ///
    /// Any task may call this.
    public func pagePoolStatistics(ofShard index: Int) async -> PagePool.Statistics? {
        let executor = executor(at: index)
        guard executor.isRunningWithHeap else { return nil }
        let slot = executor.slot
        return await executor.perform {
            guard Mimalloc.Shard.current == slot.shard else { return nil }
            return slot.pagePool?.statistics
        }
    }
}
