#if NIO
import NIOCore
import NIOEmbedded
import ShardedHeap
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeapNIO

@Suite("ByteBufferAllocator.sharded")
struct ShardedAllocatorTests {
    @Test("On a shard thread, a buffer, its growth and its free count in that shard")
    func servesFromShard() async {
        let group = ShardGroup(shardCount: 1)
        let (during, after, address) = await withShardedAllocation(on: group, shard: 0) { _ in
            var buffer = ByteBufferAllocator.sharded.buffer(capacity: 100)
            buffer.writeRepeatingByte(7, count: 100)
            buffer.writeRepeatingByte(8, count: 10_000)  // grows through the reallocate hook
            let during = group.counters(ofShard: 0)
            let address = buffer.withUnsafeReadableBytes { Int(bitPattern: $0.baseAddress) }
            #expect(buffer.readableBytesView.prefix(100).allSatisfy { $0 == 7 })
            #expect(buffer.readableBytesView.dropFirst(100).allSatisfy { $0 == 8 })
            _ = consume buffer
            return (during, group.counters(ofShard: 0), address)
        }
        #expect(during.liveAllocations == 1, "one block after growth: \(during)")
        #expect(during.totalAllocations == 2, "the first block and the grown one")
        #expect(during.liveBytes >= 10_100 + ContextFreeAllocation.headerSize)
        #expect(address != 0)
        #expect(after.liveAllocations == 0)
        #expect(after.liveBytes == 0)
        #expect(group.fallbackCounters.totalAllocations == 0)
        await group.shutdown()
    }

    @Test("Off every shard, buffers count in ShardGroup.shared's fallback bucket")
    func fallbackOffShard() async {
        let before = ShardGroup.shared.fallbackCounters
        await onDetachedThread {
            var buffer = ByteBufferAllocator.sharded.buffer(capacity: 4096)
            buffer.writeRepeatingByte(1, count: 4096)
            _ = consume buffer
        }
        let after = ShardGroup.shared.fallbackCounters
        #expect(after.totalAllocations - before.totalAllocations >= 1)
        #expect(after.totalDeallocations - before.totalDeallocations >= 1)
    }

    @Test("A buffer dropped on another thread counts as a remote free of its shard")
    func remoteFree() async {
        let group = ShardGroup(shardCount: 1)
        let parcel = await withShardedAllocation(on: group, shard: 0) { _ in
            Parcel(ByteBufferAllocator.sharded.buffer(capacity: 512))
        }
        #expect(group.counters(ofShard: 0).liveAllocations == 1)
        await onDetachedThread { parcel.drop() }
        let counters = group.counters(ofShard: 0)
        #expect(counters.liveAllocations == 0)
        #expect(counters.remoteDeallocations == 1)
        await group.shutdown()
    }

    @Test("buffer(capacity: 0) is NIO's shared empty buffer: writes into it never reach the hooks")
    func zeroCapacityTrap() async {
        let group = ShardGroup(shardCount: 1)
        let (trap, fixed) = await withShardedAllocation(on: group, shard: 0) { _ in
            let channel = EmbeddedChannel()
            channel.allocator = .sharded
            var empty = channel.allocator.buffer(capacity: 0)
            empty.writeRepeatingByte(1, count: 100)  // grows through malloc, not the hooks
            let trap = group.counters(ofShard: 0).totalAllocations
            var real = channel.allocator.nonEmptyBuffer(capacity: 0)
            real.writeRepeatingByte(1, count: 100)
            let fixed = group.counters(ofShard: 0).totalAllocations
            _ = try? channel.finish()
            return (trap, fixed)
        }
        #expect(trap == 0, "the shared empty buffer's growth went through the sharded hooks")
        #expect(fixed >= 1)
        await group.shutdown()
    }

    @Test("A channel's reads and handler buffers come from the allocator set on it (EmbeddedChannel)")
    func embeddedChannelAllocator() async throws {
        let group = ShardGroup(shardCount: 1)
        let live = try await withShardedAllocation(on: group, shard: 0) { _ in
            let channel = EmbeddedChannel()
            channel.allocator = .sharded
            var outbound = channel.allocator.buffer(capacity: 64)
            outbound.writeString("hello")
            try channel.writeOutbound(outbound)
            let written = try channel.readOutbound(as: ByteBuffer.self)
            let live = group.counters(ofShard: 0).liveAllocations
            #expect(written.map { String(buffer: $0) } == "hello")
            _ = try channel.finish()
            return live
        }
        #expect(live == 1)
        #expect(group.counters(ofShard: 0).liveAllocations == 0)
        await group.shutdown()
    }

    @Test("At a capped shard's cap, NIO's buffers come from the group's fallback: no trap, the cap holds")
    func capFallsBack() async throws {
        let cap = 8 << 20
        let group = try ShardGroup(shardCount: 1, memoryLimitPerShard: cap)
        let parcel = await withShardedAllocation(on: group, shard: 0) { _ in
            Parcel((0..<24).map { _ in ByteBufferAllocator.sharded.buffer(capacity: 1 << 20) })
        }
        let shard = group.counters(ofShard: 0)
        let fallback = group.fallbackCounters
        #expect(shard.liveBytes <= cap)
        #expect(shard.liveAllocations >= 5, "the shard served until its cap: \(shard)")
        #expect(shard.liveAllocations + fallback.liveAllocations == 24)
        #expect(fallback.liveAllocations >= 24 - cap / (1 << 20))
        parcel.drop()
        #expect(group.counters(ofShard: 0).liveAllocations == 0)
        #expect(group.fallbackCounters.liveAllocations == 0)
        await group.shutdown()
    }
}
#endif
