#if NIO
import NIOCore
import NIOPosix
import ShardedHeap
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeapNIO

@Suite("Shards on adopted event loops", .serialized)
struct AdoptedEventLoopTests {
    @Test("A shard's work runs on its event loop's thread, and allocations there come from the shard")
    func workRunsOnLoop() async throws {
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let shards = ShardGroup(adopting: loops)
        let expected = Array(loops.makeIterator())
        #expect(shards.shardCount == 2)
        for index in 0..<2 {
            let (onLoop, shardIndex, bufferShard) = await withShardedAllocation(on: shards, shard: index) { alloc in
                let loop = MultiThreadedEventLoopGroup.currentEventLoop
                let buffer = alloc.makeBuffer(byteCount: 100)
                return (loop === expected[index], shards.currentShardIndex, buffer.shardIndex)
            }
            #expect(onLoop, "shard \(index)'s work ran off its event loop")
            #expect(shardIndex == index)
            #expect(bufferShard == index)
        }
        // A task scheduled on the loop itself allocates from the same shard.
        let fromLoop = try await expected[1].submit { OwnedBuffer(byteCount: 64).shardIndex }.get()
        #expect(fromLoop == 1)
        await shards.shutdown()
        // After shutdown the loop still runs NIO's work; allocations there fall back.
        let afterwards = try await expected[1].submit { OwnedBuffer(byteCount: 64).shardIndex }.get()
        #expect(afterwards == nil)
        let late = await withShardedAllocation(on: shards, shard: 0) { alloc in
            alloc.makeBuffer(byteCount: 8).shardIndex
        }
        #expect(late == nil)
        try await loops.shutdownGracefully()
    }

    @Test("Frees from other threads are collected by the loop, and remote frees are counted")
    func remoteFreesCollected() async throws {
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let shards = ShardGroup(adopting: loops, idleCollectDelay: .milliseconds(10))
        let parcel = await withShardedAllocation(on: shards, shard: 0) { alloc in
            Parcel((0..<1000).map { _ in alloc.makeBuffer(byteCount: 256) })
        }
        await onDetachedThread { parcel.drop() }
        let counters = shards.counters(ofShard: 0)
        #expect(counters.liveAllocations == 0)
        #expect(counters.remoteDeallocations == 1000)
        await shards.shutdown()
        try await loops.shutdownGracefully()
    }

    @Test("If the event loops end first, shutdown still returns and late work still runs")
    func loopsEndFirst() async throws {
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let shards = ShardGroup(adopting: loops)
        let first = await withShardedAllocation(on: shards, shard: 0) { alloc in alloc.makeBuffer(byteCount: 32) }
        #expect(first.shardIndex == 0)
        try await loops.shutdownGracefully()
        // The loop's thread has ended (the shard noticed); this work needs another thread.
        let late = await withShardedAllocation(on: shards, shard: 0) { alloc in
            alloc.makeBuffer(byteCount: 32).shardIndex
        }
        #expect(late == nil)
        await shards.shutdown()
        _ = consume first
        #expect(shards.counters(ofShard: 0).liveAllocations == 0)
    }
}
#endif
