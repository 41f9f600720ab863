import ShardedHeap
import ShardedHeapStats
import ShardedHeapTestSupport
import Testing

extension StatsTests {
    @Suite("Allocation counts")
    struct Counts {
        @Test("exact live counts and bytes after a workload, back to zero after frees from another thread")
        func exactCountsWithRemoteFrees() async throws {
            let heap = ShardGroup(shardCount: 2)
            let before = Stats.snapshot(of: heap)
            #expect(before.totals.totalAllocations == 0)

            let sizes = (0..<500).map { 1 + ($0 &* 7919) % 6000 }
            var buffers: [OwnedBuffer] = await withShardedAllocation(on: heap, shard: 0) { alloc in
                sizes.map { alloc.makeBuffer(byteCount: $0) }
            }
            try #require(buffers.allSatisfy { $0.shardIndex == 0 }, "the scope body should run on shard 0")
            let usable = buffers.reduce(0) { $0 + $1.capacity }
            #expect(usable >= sizes.reduce(0, +))

            let loaded = Stats.snapshot(of: heap)
            #expect(loaded.groupID == heap.id)
            #expect(loaded.shards.map(\.index) == [0, 1])
            #expect(loaded.shards[0].liveAllocations == sizes.count)
            #expect(loaded.shards[0].liveBytes == usable)
            #expect(loaded.shards[0].totalAllocations == sizes.count)
            #expect(loaded.shards[0].totalDeallocations == 0)
            #expect(loaded.shards[0].allocatedBytes == usable)
            #expect(loaded.shards[1].totalAllocations == 0)
            #expect(loaded.shards[1].liveBytes == 0)
            #expect(loaded.totals.liveAllocations == sizes.count)
            #expect(loaded.totals.liveBytes == usable)
            #expect(loaded.totals.heapLiveBytes == usable)
            #expect(loaded.fallback.totalAllocations == 0)

            // Free every buffer on a thread of the global pool, not on the shard's thread.
            let parcel = Parcel(buffers)
            buffers.removeAll()
            await Task.detached { parcel.drop() }.value

            let released = Stats.snapshot(of: heap)
            #expect(released.shards[0].liveAllocations == 0)
            #expect(released.shards[0].liveBytes == 0)
            #expect(released.shards[0].totalDeallocations == sizes.count)
            #expect(released.shards[0].freedBytes == usable)
            #expect(released.shards[0].remoteDeallocations == sizes.count)
            #expect(released.totals.liveBytes == 0)
            #expect(released.totals.remoteDeallocations == sizes.count)

            let delta = released.delta(since: before)
            #expect(delta.shards[0].allocations == sizes.count)
            #expect(delta.shards[0].deallocations == sizes.count)
            #expect(delta.shards[0].allocatedBytes == usable)
            #expect(delta.shards[0].liveBytesChange == 0)
            #expect(
                delta.shards[1]
                    == AllocationDelta(
                        allocations: 0,
                        deallocations: 0,
                        allocatedBytes: 0,
                        freedBytes: 0,
                        remoteDeallocations: 0,
                        foreignAllocations: 0
                    )
            )
            #expect(delta.shardTotals.remoteDeallocations == sizes.count)
            #expect(delta.intervalSeconds > 0)
            #expect(delta.allocationsPerSecond == Double(sizes.count) / delta.intervalSeconds)

            let sinceLoaded = released.delta(since: loaded)
            #expect(sinceLoaded.shardTotals.allocations == 0)
            #expect(sinceLoaded.shardTotals.deallocations == sizes.count)
            #expect(sinceLoaded.shardTotals.liveBytesChange == -usable)
            await heap.shutdown()
        }

        @Test("owner-thread frees count as deallocations but not as remote ones")
        func ownerFrees() async throws {
            let heap = ShardGroup(shardCount: 2)
            let resident = ShardResident(heap: heap, shard: 1)
            let (usable, allOnShard) = await resident.allocate(count: 300, byteCount: 200)
            try #require(allOnShard)
            let half = await resident.release { $0 % 2 == 0 }

            let snapshot = Stats.snapshot(of: heap)
            #expect(snapshot.shards[1].liveAllocations == 150)
            #expect(snapshot.shards[1].liveBytes == usable - half)
            #expect(snapshot.shards[1].totalDeallocations == 150)
            #expect(snapshot.shards[1].remoteDeallocations == 0)
            #expect(snapshot.shards[0].totalAllocations == 0)

            _ = await resident.releaseAll()
            let empty = Stats.snapshot(of: heap)
            #expect(empty.shards[1].liveAllocations == 0)
            #expect(empty.shards[1].liveBytes == 0)
            #expect(empty.totals.totalDeallocations == 300)
            await heap.shutdown()
        }

        @Test("allocations made through a shard allocator off its thread land in the fallback")
        func fallbackAndForeignAllocations() async throws {
            let heap = ShardGroup(shardCount: 2)
            let buffers: [OwnedBuffer] = await withShardedAllocation(on: heap, shard: 1) { alloc in
                // A detached task runs on the global pool: off every shard thread.
                await Task.detached { (0..<7).map { _ in alloc.makeBuffer(byteCount: 1000) } }.value
            }
            try #require(buffers.allSatisfy { $0.shardIndex == nil })
            let usable = buffers.reduce(0) { $0 + $1.capacity }

            let snapshot = Stats.snapshot(of: heap)
            #expect(snapshot.fallback.liveAllocations == 7)
            #expect(snapshot.fallback.liveBytes == usable)
            #expect(snapshot.fallback.totalAllocations == 7)
            #expect(snapshot.shards[1].foreignAllocations == 7)
            #expect(snapshot.shards[1].totalAllocations == 0)
            #expect(snapshot.totals.foreignAllocations == 7)
            #expect(snapshot.totals.liveBytes == 0)
            #expect(snapshot.totals.heapLiveBytes == usable)
            #expect(snapshot.totals.heapLiveAllocations == 7)
            withExtendedLifetime(buffers) {}
            await heap.shutdown()
        }

        @Test("a snapshot of a shut-down heap says so, and the default heap is the shared one")
        func shutDownAndShared() async {
            let heap = ShardGroup(shardCount: 3)
            #expect(Stats.snapshot(of: heap).isShutDown == false)
            await heap.shutdown()
            let snapshot = Stats.snapshot(of: heap)
            #expect(snapshot.isShutDown)
            #expect(snapshot.shards.count == 3)
            #expect(snapshot.totals.shardCount == 3)

            let shared = Stats.snapshot()
            #expect(shared.groupID == ShardGroup.shared.id)
            #expect(shared.shards.count == ShardGroup.shared.shardCount)
        }
    }
}
