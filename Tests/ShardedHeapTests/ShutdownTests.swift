import Foundation
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

/// An actor pinned to a shard's thread, as users write one.
private actor Pinned {
    nonisolated let executor: any SerialExecutor
    init(_ executor: any SerialExecutor) { self.executor = executor }
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    func work() -> Int { OwnedBuffer(byteCount: 100).count }
}

/// The number of threads of this process (/proc/self/status).
private func threadCount() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in status.split(separator: "\n") where line.hasPrefix("Threads:") {
        return Int(line.dropFirst("Threads:".count).trimmingCharacters(in: .whitespaces)) ?? -1
    }
    return -1
}

/// Waits (up to 10 s) for the thread count to come back to `baseline` or below; returns the last
/// count seen.
private func settledThreadCount(atMost baseline: Int) async -> Int {
    var count = threadCount()
    for _ in 0..<200 where count > baseline {
        try? await Task.sleep(for: .milliseconds(50))
        count = threadCount()
    }
    return count
}

@Suite("Shutdown ends every thread it started", .serialized)
struct ShutdownTests {
    @Test("200 groups that each got late work after shutdown leave no thread behind")
    func lateWorkThreadsEnd() async {
        func round() async {
            let group = ShardGroup(shardCount: 1)
            let pinned = Pinned(group.executor(forShard: 0))
            _ = await pinned.work()
            await group.shutdown()
            _ = await pinned.work()  // a late job: a retired thread runs it, then ends
            await group.shutdown()  // harmless
            _ = await withShardedAllocation(on: group) { alloc in alloc.makeBuffer(byteCount: 8).count }
        }
        // Warm up the cooperative pool and the runtime's own threads first.
        for _ in 0..<5 { await round() }
        let baseline = await settledThreadCount(atMost: threadCount())
        for _ in 0..<200 { await round() }
        let after = await settledThreadCount(atMost: baseline)
        #expect(after <= baseline, "threads: \(baseline) before, \(after) after 200 groups")
    }

    @Test("trimPagePools and pagePoolStatistics racing shutdown leave no thread behind")
    func racingMaintenanceThreadsEnd() async {
        func round() async {
            let group = ShardGroup(shardCount: 1)
            await withShardedAllocation(on: group) { _ in
                withRegion { region in _ = try? region.allocate(byteCount: 64) }
            }
            async let trimmed = group.trimPagePools()
            async let figures = group.pagePoolStatistics(ofShard: 0)
            await group.shutdown()
            _ = await (trimmed, figures)
        }
        for _ in 0..<5 { await round() }
        let baseline = await settledThreadCount(atMost: threadCount())
        for _ in 0..<200 { await round() }
        let after = await settledThreadCount(atMost: baseline)
        #expect(after <= baseline, "threads: \(baseline) before, \(after) after 200 raced groups")
    }

    @Test("shutdown called from 8 tasks at once returns, every time, only once the heap is gone")
    func concurrentShutdowns() async {
        for _ in 0..<20 {
            let group = ShardGroup(shardCount: 2)
            _ = await withShardedAllocation(on: group, shard: 1) { alloc in alloc.makeBuffer(byteCount: 8).count }
            let gone = await withTaskGroup(of: Bool.self) { tasks in
                for _ in 0..<8 {
                    tasks.addTask {
                        await group.shutdown()
                        return group.executors.allSatisfy { !$0.isRunningWithHeap && $0.slot.shard.heap == nil }
                    }
                }
                return await tasks.reduce(true) { $0 && $1 }
            }
            #expect(gone)
            #expect(group.isShutDown)
        }
    }

    @Test("A region open on a shard's pool at shutdown gives its pages back, and the pool then goes")
    func regionOpenAcrossShutdown() async throws {
        let group = ShardGroup(shardCount: 1)
        let (parcel, pool) = await withShardedAllocation(on: group) { _ in
            let parcel = RegionParcel(Region.open())
            for _ in 0..<20 { _ = parcel.region { try? $0.allocate(byteCount: 4000, alignment: 8) } }
            return (parcel, parcel.region { Weak($0.pool) })
        }
        #expect(pool.object?.isShardPool == true)
        #expect(pool.object?.statistics.pagesInUse == 31)
        await group.shutdown()
        // After the stop the pool is no longer the shard's alone: pages come back under its lock.
        var owner = parcel.take()
        #expect(owner.region.pool.statistics.pagesInUse == 31)
        _ = try owner.region.allocate(byteCount: 4000, alignment: 8)
        owner.close()
        #expect(pool.object?.statistics.pagesInUse == 0)
        _ = consume owner
        // Nothing holds the pool any more: it and its chunks are gone (the slot let go of it).
        #expect(pool.object == nil)
    }
}

/// A weak reference that can be returned across tasks.
private final class Weak<Object: AnyObject>: @unchecked Sendable {
    weak var object: Object?
    init(_ object: Object) { self.object = object }
}
