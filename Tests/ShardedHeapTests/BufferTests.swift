import Foundation
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

@Suite("OwnedBuffer and UniqueBuffer")
struct BufferTests {
    static let sizes = [0, 1, 4096, 64 << 20]
    static let alignments = (0...16).map { 1 << $0 }

    @Test("Sizes from zero to 64 MiB are usable end to end", arguments: sizes)
    func usableSizes(byteCount: Int) async {
        let heap = ShardGroup(shardCount: 1)
        await withShardedAllocation(on: heap) { alloc in
            let owned = alloc.makeBuffer(byteCount: byteCount)
            var unique = alloc.makeUniqueBuffer(byteCount: byteCount)
            #expect(owned.count == byteCount)
            #expect(unique.count == byteCount)
            #expect(owned.capacity >= byteCount)
            owned.withUnsafeMutableBytes { fill($0, seed: 3) }
            unique.withUnsafeMutableBytes { fill($0, seed: 4) }
            #expect(owned.withUnsafeBytes { holdsPattern($0, seed: 3) })
            #expect(unique.withUnsafeBytes { holdsPattern($0, seed: 4) })
            #expect(owned.bytes.byteCount == byteCount)
            #expect(unique.bytes.byteCount == byteCount)
        }
        #expect(heap.counters(ofShard: 0).liveAllocations == 0)
        #expect(heap.counters(ofShard: 0).totalAllocations == 2)
        await heap.shutdown()
    }

    @Test("Every power-of-two alignment up to 64 KiB is honoured, on and off shard", arguments: alignments)
    func alignment(alignment: Int) async {
        let heap = ShardGroup(shardCount: 1)
        await withShardedAllocation(on: heap) { alloc in
            for byteCount in [1, 24, 1000, 70_000] {
                let owned = alloc.makeBuffer(byteCount: byteCount, alignment: alignment)
                let unique = alloc.makeUniqueBuffer(byteCount: byteCount, alignment: alignment)
                #expect(Int(bitPattern: owned.unsafeBaseAddress) % alignment == 0)
                #expect(Int(bitPattern: unique.unsafeBaseAddress) % alignment == 0)
                #expect(owned.shardIndex == 0)
            }
        }
        let offShard = OwnedBuffer(byteCount: 100, alignment: alignment)
        #expect(Int(bitPattern: offShard.unsafeBaseAddress) % alignment == 0)
        #expect(offShard.shardIndex == nil)
        await heap.shutdown()
    }

    @Test("Spans read and write the same bytes as the unsafe accessors")
    func spans() {
        let owned = OwnedBuffer(byteCount: 8)
        var span = owned.mutableBytes
        for offset in 0..<8 { span.storeBytes(of: UInt8(offset * 3), toByteOffset: offset, as: UInt8.self) }
        #expect(owned.withUnsafeBytes { Array($0) } == [0, 3, 6, 9, 12, 15, 18, 21])
        var unique = UniqueBuffer(byteCount: 4)
        var uniqueSpan = unique.mutableBytes
        uniqueSpan.storeBytes(of: 0x0403_0201 as UInt32, toByteOffset: 0, as: UInt32.self)
        #expect(unique.bytes.unsafeLoad(fromByteOffset: 0, as: UInt32.self) == 0x0403_0201)
    }

    @Test("resize keeps contents, on the owner heap, and keeps counts exact")
    func resize() async {
        let heap = ShardGroup(shardCount: 1)
        await withShardedAllocation(on: heap) { alloc in
            let owned = alloc.makeBuffer(byteCount: 100)
            owned.withUnsafeMutableBytes { fill($0, seed: 11) }
            owned.resize(to: 100_000)
            #expect(owned.count == 100_000)
            #expect(owned.shardIndex == 0)
            #expect(owned.withUnsafeBytes { holdsPattern(UnsafeRawBufferPointer(rebasing: $0[0..<100]), seed: 11) })
            owned.resize(to: 10)
            #expect(owned.withUnsafeBytes { holdsPattern($0, seed: 11) })
            owned.resize(to: 0)
            #expect(owned.count == 0)

            var unique = alloc.makeUniqueBuffer(byteCount: 5000)
            unique.withUnsafeMutableBytes { fill($0, seed: 12) }
            unique.resize(to: 3000)  // still fits the size class: stays in place
            unique.resize(to: 50)
            #expect(unique.withUnsafeBytes { holdsPattern($0, seed: 12) })
            let live = heap.counters(ofShard: 0)
            #expect(live.liveAllocations == 2)
            #expect(live.liveBytes == owned.capacity + unique.capacity)
        }
        #expect(heap.counters(ofShard: 0).liveAllocations == 0)
        #expect(heap.counters(ofShard: 0).liveBytes == 0)
        await heap.shutdown()
    }

    @Test("Counts are exact after known work and return to baseline after release")
    func exactCounts() async {
        let heap = ShardGroup(shardCount: 2)
        let sizes = (1...500).map { $0 * 7 }
        let (buffers, expectedBytes) = await withShardedAllocation(on: heap, shard: 1) { alloc in
            let buffers = sizes.map { alloc.makeBuffer(byteCount: $0) }
            return (buffers, buffers.reduce(0) { $0 + $1.capacity })
        }
        let during = heap.counters(ofShard: 1)
        #expect(during.totalAllocations == sizes.count)
        #expect(during.liveAllocations == sizes.count)
        #expect(during.liveBytes == expectedBytes)
        #expect(expectedBytes >= sizes.reduce(0, +))
        #expect(heap.counters(ofShard: 0).totalAllocations == 0)
        _ = consume buffers
        let after = heap.counters(ofShard: 1)
        #expect(after.liveAllocations == 0)
        #expect(after.liveBytes == 0)
        #expect(after.totalDeallocations == sizes.count)
        #expect(after.remoteDeallocations == sizes.count)  // released here, off the shard thread
        await heap.shutdown()
    }

    @Test("Frees from other tasks and from plain threads keep counts exact")
    func crossThreadFrees() async {
        let heap = ShardGroup(shardCount: 2)
        let perBatch = 2000
        let batches = await withShardedAllocation(on: heap, shard: 0) { alloc in
            (0..<4).map { batch in
                (0..<perBatch).map { index in
                    let buffer = alloc.makeBuffer(byteCount: 16 + index % 300)
                    buffer.withUnsafeMutableBytes { fill($0, seed: batch) }
                    return buffer
                }
            }
        }
        #expect(heap.counters(ofShard: 0).liveAllocations == 4 * perBatch)
        let parcels = batches.map { Parcel($0) }
        _ = consume batches
        // Two batches freed by tasks on the other shard, two by plain OS threads.
        await withTaskGroup(of: Void.self) { group in
            for parcel in parcels[0..<2] {
                group.addTask {
                    await withShardedAllocation(on: heap, shard: 1) { _ in
                        #expect(
                            parcel.value!.allSatisfy { buffer in
                                buffer.withUnsafeBytes { holdsPattern($0, seed: 0) || holdsPattern($0, seed: 1) }
                            }
                        )
                        parcel.drop()
                    }
                }
            }
            for parcel in parcels[2..<4] {
                group.addTask { await onDetachedThread { parcel.drop() } }
            }
        }
        let counters = heap.counters(ofShard: 0)
        #expect(counters.totalAllocations == 4 * perBatch)
        #expect(counters.totalDeallocations == 4 * perBatch)
        #expect(counters.remoteDeallocations == 4 * perBatch)
        #expect(counters.liveBytes == 0)
        #expect(heap.counters(ofShard: 1).totalAllocations == 0)
        await heap.shutdown()
    }

    @Test("A UniqueBuffer can be sent to another task and freed there")
    func uniqueSentAway() async {
        let heap = ShardGroup(shardCount: 1)
        let parcel = await withShardedAllocation(on: heap) { alloc in
            var unique = alloc.makeUniqueBuffer(byteCount: 256)
            unique.withUnsafeMutableBytes { fill($0, seed: 5) }
            return UniqueParcel(unique)
        }
        #expect(heap.counters(ofShard: 0).liveAllocations == 1)
        await Task.detached {
            let unique = parcel.take()
            #expect(unique.withUnsafeBytes { holdsPattern($0, seed: 5) })
        }.value
        #expect(heap.counters(ofShard: 0).liveAllocations == 0)
        #expect(heap.counters(ofShard: 0).remoteDeallocations == 1)
        await heap.shutdown()
    }
}
