#if NIO
import NIOCore
import ShardedHeap
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeapNIO

@Suite("UniqueBuffer to ByteBuffer without a copy")
struct UniqueBufferHandOffTests {
    @Test("The ByteBuffer reads the unique buffer's own bytes and frees them through the shard")
    func noCopyHandOff() async {
        let group = ShardGroup(shardCount: 1)
        let parcel = await withShardedAllocation(on: group, shard: 0) { alloc in
            var unique = alloc.makeUniqueBuffer(capacity: 4096)
            unique.append(repeating: 0x5A, count: 3000)
            let address = unique.unsafeBaseAddress
            let buffer = ByteBuffer(unique)
            let sameBytes = buffer.withUnsafeReadableBytes { $0.baseAddress == UnsafeRawPointer(address) }
            #expect(sameBytes, "the bytes were copied")
            #expect(buffer.readableBytes == 3000)
            #expect(buffer.writableBytes >= 4096 - 3000)
            #expect(buffer.readableBytesView.allSatisfy { $0 == 0x5A })
            return Parcel(buffer)
        }
        #expect(group.counters(ofShard: 0).liveAllocations == 1, "the hand-off allocated nothing more")
        #expect(AdoptedBlocks.count >= 1)
        await onDetachedThread { parcel.drop() }
        let counters = group.counters(ofShard: 0)
        #expect(counters.liveAllocations == 0)
        #expect(counters.remoteDeallocations == 1)
        await group.shutdown()
    }

    @Test("A hand-off that grows moves to a sharded block, and both blocks are freed and counted")
    func growthAfterHandOff() async {
        let group = ShardGroup(shardCount: 1)
        let (live, after) = await withShardedAllocation(on: group, shard: 0) { alloc in
            var unique = alloc.makeUniqueBuffer(capacity: 64)
            unique.append(repeating: 1, count: 64)
            var buffer = ByteBuffer(unique)
            buffer.writeRepeatingByte(2, count: 100_000)
            let live = group.counters(ofShard: 0).liveAllocations
            #expect(buffer.readableBytesView.prefix(64).allSatisfy { $0 == 1 })
            #expect(buffer.readableBytesView.dropFirst(64).allSatisfy { $0 == 2 })
            _ = consume buffer
            return (live, group.counters(ofShard: 0))
        }
        #expect(live == 1, "the adopted block went when the bytes moved")
        #expect(after.liveAllocations == 0)
        #expect(after.totalAllocations == 2)
        await group.shutdown()
    }

    @Test("Copy-on-write of a handed-off buffer leaves the original intact")
    func copyOnWrite() async {
        let group = ShardGroup(shardCount: 1)
        await withShardedAllocation(on: group, shard: 0) { alloc in
            var unique = alloc.makeUniqueBuffer(capacity: 256)
            unique.append(repeating: 3, count: 200)
            let original = ByteBuffer(unique)
            var copy = original
            copy.setInteger(UInt8(9), at: 0)
            #expect(original.getInteger(at: 0, as: UInt8.self) == 3)
            #expect(copy.getInteger(at: 0, as: UInt8.self) == 9)
        }
        #expect(group.counters(ofShard: 0).liveAllocations == 0)
        await group.shutdown()
    }
}
#endif
