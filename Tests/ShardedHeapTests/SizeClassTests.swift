import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

@Suite("Usable sizes")
struct SizeClassTests {
    @Test("Recorded capacity equals mi_usable_size for every small size and alignment, on and off shard")
    func capacityMatchesMimalloc() async {
        let heap = ShardGroup(shardCount: 1)
        let mismatches = await withShardedAllocation(on: heap) { alloc in
            var mismatches: [String] = []
            for alignment in [1, 2, 4, 8, 16, 32] {
                for byteCount in 0...1100 {
                    let onShard = alloc.makeUniqueBuffer(byteCount: byteCount, alignment: alignment)
                    let offShard = OwnedBuffer(byteCount: byteCount, alignment: alignment)
                    for (pointer, capacity, place) in [
                        (onShard.unsafeBaseAddress, onShard.capacity, "shard"),
                        (offShard.unsafeBaseAddress, offShard.capacity, "fallback"),
                    ] {
                        if Mimalloc.usableSize(pointer) != capacity || capacity < byteCount
                            || Int(bitPattern: pointer) % alignment != 0
                        {
                            mismatches.append("\(place) \(byteCount)/\(alignment): capacity \(capacity)")
                        }
                    }
                    #expect(onShard.shardIndex == 0)
                }
            }
            return mismatches
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        #expect(heap.counters(ofShard: 0).liveBytes == 0)
        await heap.shutdown()
    }
}
