import Foundation
import ShardedHeapTestSupport
import Synchronization
import Testing

@testable import ShardedHeap

/// Frees and fallback allocations are counted by the thread that makes them, in a record of its
/// own; these tests check that the sums stay exact with many threads, many shards (more than a
/// thread's record has entries, so entries are evicted) and threads that exit.
@Suite("Counts from many threads")
struct ThreadCountTests {
    /// Runs `body(index)` on `count` new OS threads at once and waits for all of them (each
    /// thread then exits, flushing its counts).
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask { await onDetachedThread { body(index) } }
            }
        }
    }

    @Test("32 threads free a shard's blocks at once: every free counted, in that shard, as remote")
    func manyThreadsFree() async {
        let group = ShardGroup(shardCount: 2)
        let perThread = 2_000
        let threads = 32
        let parcels = await withShardedAllocation(on: group, shard: 1) { alloc in
            (0..<threads).map { _ in Parcel((0..<perThread).map { alloc.makeBuffer(byteCount: 16 + $0 % 500) }) }
        }
        let allocated = group.counters(ofShard: 1)
        #expect(allocated.liveAllocations == threads * perThread)
        await Self.onThreads(threads) { index in parcels[index].drop() }
        let after = group.counters(ofShard: 1)
        #expect(after.totalAllocations == threads * perThread)
        #expect(after.totalDeallocations == threads * perThread)
        #expect(after.remoteDeallocations == threads * perThread)
        #expect(after.liveBytes == 0)
        #expect(group.counters(ofShard: 0).totalDeallocations == 0)
        await group.shutdown()
    }

    @Test("Fallback allocations from 16 threads are counted exactly in the group's bucket, with foreign events")
    func manyThreadsFallback() async {
        let group = ShardGroup(shardCount: 1)
        let alloc = ShardAllocator(group: group, shardIndex: 0)
        let live = PThreadLock<[OwnedBuffer]>([])
        await Self.onThreads(16) { index in
            var kept: [OwnedBuffer] = []
            for round in 0..<1_000 {
                let buffer = alloc.makeBuffer(byteCount: 8 + round % 100)
                if round % 2 == 0 { kept.append(buffer) }
            }
            live.withLock { $0.append(contentsOf: kept) }
        }
        let counters = group.fallbackCounters
        #expect(counters.totalAllocations == 16_000)
        #expect(counters.liveAllocations == 8_000)
        #expect(counters.liveBytes == live.withLock { $0.reduce(0) { $0 + $1.capacity } })
        #expect(group.counters(ofShard: 0).foreignAllocations == 16_000)
        #expect(group.counters(ofShard: 0).totalAllocations == 0)
        live.withLock { $0.removeAll() }
        #expect(group.fallbackCounters.liveAllocations == 0)
        #expect(group.fallbackCounters.liveBytes == 0)
        await group.shutdown()
    }

    @Test("One thread freeing blocks of 40 shards (more than its record holds) keeps every shard exact")
    func moreShardsThanEntries() async {
        let groups = (0..<20).map { _ in ShardGroup(shardCount: 2) }
        var parcels: [Parcel<[OwnedBuffer]>] = []
        for group in groups {
            for shard in 0..<2 {
                parcels.append(
                    await withShardedAllocation(on: group, shard: shard) { alloc in
                        Parcel((0..<100).map { alloc.makeBuffer(byteCount: 32 + $0) })
                    }
                )
            }
        }
        let taken = parcels
        // Interleaved, so that entries for different shards evict one another many times.
        await onDetachedThread {
            for round in 0..<100 {
                for parcel in taken { parcel.value!.removeLast() }
                _ = round
            }
        }
        for group in groups {
            for shard in 0..<2 {
                let counters = group.counters(ofShard: shard)
                #expect(counters.totalAllocations == 100)
                #expect(counters.totalDeallocations == 100)
                #expect(counters.remoteDeallocations == 100)
                #expect(counters.liveBytes == 0)
            }
            await group.shutdown()
        }
    }

    @Test("Counts read while threads still run never exceed the work done, and are exact at the end")
    func readsDuringWork() async {
        let group = ShardGroup(shardCount: 1)
        let parcels = await withShardedAllocation(on: group) { alloc in
            (0..<8).map { _ in Parcel((0..<5_000).map { _ in alloc.makeBuffer(byteCount: 64) }) }
        }
        let done = Atomic<Bool>(false)
        let reader = Task.detached {
            var readings = 0
            while !done.load(ordering: .acquiring) {
                let counters = group.counters(ofShard: 0)
                #expect(counters.totalDeallocations <= 40_000)
                #expect(counters.remoteDeallocations <= counters.totalDeallocations)
                readings += 1
            }
            return readings
        }
        await Self.onThreads(8) { index in parcels[index].drop() }
        done.store(true, ordering: .releasing)
        #expect(await reader.value > 0)
        #expect(group.counters(ofShard: 0).totalDeallocations == 40_000)
        await group.shutdown()
    }
}
