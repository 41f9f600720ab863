import ShardedHeap

extension StatsSnapshot {
    /// What changed since `earlier`, for rates.
    ///
    /// - Parameter earlier: A snapshot of the same heap (same ``groupID`` and shard count), taken
    ///   no later than this one.
    /// - Returns: Counts over the interval and its length in seconds.
    /// - Precondition: `earlier` describes the same heap, with the same number of shards.
    /// - Complexity: O(shard count).
    ///
    /// Any thread may call this.
    public func delta(since earlier: StatsSnapshot) -> StatsDelta {
        require(
            earlier.groupID == groupID && earlier.shards.count == shards.count,
            "StatsSnapshot.delta(since:): snapshots of different heaps (\(earlier.groupID) and \(groupID))"
        )
        let nanoseconds =
            takenAtUptimeNanoseconds >= earlier.takenAtUptimeNanoseconds
            ? takenAtUptimeNanoseconds - earlier.takenAtUptimeNanoseconds : 0
        let shardDeltas = zip(shards, earlier.shards).map { now, then in
            AllocationDelta(
                allocations: now.totalAllocations &- then.totalAllocations,
                deallocations: now.totalDeallocations &- then.totalDeallocations,
                allocatedBytes: now.allocatedBytes &- then.allocatedBytes,
                freedBytes: now.freedBytes &- then.freedBytes,
                remoteDeallocations: now.remoteDeallocations &- then.remoteDeallocations,
                foreignAllocations: now.foreignAllocations &- then.foreignAllocations
            )
        }
        return StatsDelta(
            intervalSeconds: Double(nanoseconds) / 1_000_000_000,
            shards: shardDeltas,
            shardTotals: AllocationDelta(
                allocations: totals.totalAllocations &- earlier.totals.totalAllocations,
                deallocations: totals.totalDeallocations &- earlier.totals.totalDeallocations,
                allocatedBytes: totals.allocatedBytes &- earlier.totals.allocatedBytes,
                freedBytes: totals.freedBytes &- earlier.totals.freedBytes,
                remoteDeallocations: totals.remoteDeallocations &- earlier.totals.remoteDeallocations,
                foreignAllocations: totals.foreignAllocations &- earlier.totals.foreignAllocations
            ),
            fallback: AllocationDelta(
                allocations: fallback.totalAllocations &- earlier.fallback.totalAllocations,
                deallocations: fallback.totalDeallocations &- earlier.fallback.totalDeallocations,
                allocatedBytes: fallback.allocatedBytes &- earlier.fallback.allocatedBytes,
                freedBytes: fallback.freedBytes &- earlier.fallback.freedBytes,
                remoteDeallocations: 0,
                foreignAllocations: 0
            ),
            residentBytesChange: process.residentBytes &- earlier.process.residentBytes,
            mimallocCommittedBytesChange: process.mimallocCommittedBytes &- earlier.process.mimallocCommittedBytes,
            pageFaults: process.pageFaults &- earlier.process.pageFaults,
            userCPUSeconds: Double(process.userCPUMilliseconds &- earlier.process.userCPUMilliseconds) / 1000,
            systemCPUSeconds: Double(process.systemCPUMilliseconds &- earlier.process.systemCPUMilliseconds) / 1000
        )
    }
}
