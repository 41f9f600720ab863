import Foundation
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

@Suite("Shard threads: start, idle, collect, shutdown")
struct ShardLifecycleTests {
    @Test("Threads start on first use, not at init")
    func lazyStart() async {
        let heap = ShardGroup(shardCount: 3)
        #expect(heap.executors.allSatisfy { !$0.hasStarted })
        await withShardedAllocation(on: heap, shard: 1) { _ in }
        #expect(!heap.executors[0].hasStarted)
        #expect(heap.executors[1].hasStarted)
        #expect(!heap.executors[2].hasStarted)
        await heap.shutdown()
    }

    @Test("The shared heap has one shard per active processor")
    func sharedShardCount() {
        #expect(ShardGroup.shared.shardCount == ShardGroup.activeProcessorCount)
        #expect(ShardGroup.activeProcessorCount >= 1)
    }

    @Test("Idle shard threads use no CPU")
    func idleThreadsUseNoCPU() async throws {
        let heap = ShardGroup(shardCount: 2, idleCollectDelay: .milliseconds(10))
        for shard in 0..<2 {
            await withShardedAllocation(on: heap, shard: shard) { alloc in
                _ = alloc.makeBuffer(byteCount: 1024)
            }
        }
        // Let the post-work maintenance pass finish.
        try await Task.sleep(for: .milliseconds(200))
        let before = heap.executors.map { $0.threadCPUTime ?? .zero }
        try await Task.sleep(for: .seconds(1))
        let after = heap.executors.map { $0.threadCPUTime ?? .zero }
        for shard in 0..<2 {
            let used = after[shard] - before[shard]
            #expect(before[shard] > .zero, "shard \(shard) never ran")
            #expect(used < .milliseconds(5), "shard \(shard) used \(used) of CPU while idle")
        }
        await heap.shutdown()
    }

    @Test("An idle shard collects after frees from other threads, so RSS comes down")
    func idleCollectReturnsRemoteFrees() async throws {
        // RSS is process-wide, and suites running beside this one free memory while it fills,
        // and a new heap reuses pages earlier tests left resident: both hide part of the rise.
        // A rise of two thirds of the fill counts as clear (under AddressSanitizer one CI run saw
        // 157.8 MiB of 192). An attempt whose rise is hidden more than that is repeated (up to
        // three); the fall is checked on the first attempt with a clear rise.
        let blockSize = 8 * 1024
        let blocks = 24 * 1024  // 192 MiB
        var hiddenRises: [Int] = []
        for _ in 0..<3 {
            let heap = ShardGroup(shardCount: 1, idleCollectDelay: .milliseconds(20))
            let baseline = residentBytes()
            let buffers = await withShardedAllocation(on: heap, shard: 0) { alloc in
                (0..<blocks).map { _ in
                    let buffer = alloc.makeBuffer(byteCount: blockSize)
                    _ = buffer.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0xA5) }
                    return buffer
                }
            }
            // Let the shard finish the maintenance pass that follows its last job, so that the
            // collect this test waits for can only come from the frees below.
            try await Task.sleep(for: .milliseconds(300))
            let filled = residentBytes()
            let rise = filled - baseline
            #expect(heap.counters(ofShard: 0).liveAllocations == blocks)
            guard rise > 128 << 20 else {
                hiddenRises.append(rise)
                _ = consume buffers
                await heap.shutdown()
                continue
            }
            // Free every block on a plain OS thread: these are remote frees for the shard.
            let parcel = Parcel(consume buffers)
            await onDetachedThread { parcel.drop() }
            #expect(heap.counters(ofShard: 0).liveAllocations == 0)
            #expect(heap.counters(ofShard: 0).remoteDeallocations == blocks)
            // The shard is idle; only its own maintenance can return the pages. mimalloc may keep
            // one 32 MiB segment, so ask for 60% of the rise back.
            var after = residentBytes()
            let deadline = ContinuousClock.now + .seconds(5)
            while filled - after < rise * 6 / 10 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                after = residentBytes()
            }
            #expect(filled - after >= rise * 6 / 10, "RSS fell by \(filled - after) of a \(rise)-byte rise")
            await heap.shutdown()
            return
        }
        Issue.record("filling 192 MiB never raised RSS by 128 MiB in three attempts: \(hiddenRises)")
    }

    @Test("currentShardIndex names the owner thread's shard, and nil elsewhere")
    func currentShardIndex() async {
        let heap = ShardGroup(shardCount: 2)
        let other = ShardGroup(shardCount: 1)
        #expect(heap.currentShardIndex == nil)
        let inside = await withShardedAllocation(on: heap, shard: 1) { _ in heap.currentShardIndex }
        #expect(inside == 1)
        let fromOther = await withShardedAllocation(on: other, shard: 0) { _ in heap.currentShardIndex }
        #expect(fromOther == nil)
        let onMain = await MainActor.run { heap.currentShardIndex }
        #expect(onMain == nil)
        await heap.shutdown()
        await other.shutdown()
    }

    @Test("Buffers outlive their scope and the heap's shutdown; later allocations fall back")
    func buffersOutliveShutdown() async {
        let heap = ShardGroup(shardCount: 2)
        let buffer = await withShardedAllocation(on: heap, shard: 0) { alloc in
            let buffer = alloc.makeBuffer(byteCount: 10_000)
            buffer.withUnsafeMutableBytes { fill($0, seed: 7) }
            return buffer
        }
        #expect(buffer.shardIndex == 0)
        await heap.shutdown()
        #expect(heap.isShutDown)
        #expect(buffer.withUnsafeBytes { holdsPattern($0, seed: 7) })
        buffer.withUnsafeMutableBytes { fill($0, seed: 8) }
        #expect(buffer.withUnsafeBytes { holdsPattern($0, seed: 8) })

        // After shutdown the executors still run work (on retired threads), with fallback memory.
        let late = await withShardedAllocation(on: heap, shard: 0) { alloc in
            let late = alloc.makeBuffer(byteCount: 100)
            late.withUnsafeMutableBytes { fill($0, seed: 9) }
            return late
        }
        #expect(late.shardIndex == nil)
        #expect(late.withUnsafeBytes { holdsPattern($0, seed: 9) })
        #expect(heap.fallbackCounters.liveAllocations == 1)
        #expect(heap.counters(ofShard: 0).foreignAllocations == 1)
        await heap.shutdown()  // twice is harmless
        _ = consume late
        _ = consume buffer
        #expect(heap.counters(ofShard: 0).liveAllocations == 0)
        #expect(heap.fallbackCounters.liveAllocations == 0)
    }

    @Test("shutdown drains jobs that were already queued")
    func shutdownDrains() async throws {
        let heap = ShardGroup(shardCount: 1)
        let executor = heap.executors[0]
        let ran = ManagedCounter()
        for _ in 0..<100 {
            executor.submit(.call { ran.increment() })
        }
        await heap.shutdown()
        #expect(ran.value == 100)
    }

    @Test("A shard executor serves as an actor's serial executor")
    func pinnedActor() async {
        let heap = ShardGroup(shardCount: 2)
        let actor = PinnedActor(executor: heap.executor(forShard: 1))
        #expect(await actor.shardIndex(of: heap) == 1)
        await heap.shutdown()
    }
}

/// A thread-safe counter for tests.
final class ManagedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
