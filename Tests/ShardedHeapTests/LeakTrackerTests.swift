import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

@Suite("LeakTracker")
struct LeakTrackerTests {
    @Test("Sees a buffer that is kept, and nothing once it and remote frees are done")
    func seesLeaks() async {
        let heap = ShardGroup(shardCount: 2)
        let tracker = LeakTracker(group: heap)
        let kept = await withShardedAllocation(on: heap, shard: 1) { alloc in
            _ = alloc.makeBuffer(byteCount: 10)  // released at once
            return alloc.makeBuffer(byteCount: 500)
        }
        #expect(tracker.leakedAllocations == 1)
        #expect(tracker.leakedBytes == kept.capacity)
        let parcel = Parcel(kept)
        _ = consume kept
        await onDetachedThread { parcel.drop() }
        #expect(tracker.leakedAllocations == 0)
        #expect(tracker.leakedBytes == 0)
        await heap.shutdown()
    }

    @Test("measure reports what the body left behind, fallback included")
    func measure() async {
        let heap = ShardGroup(shardCount: 1)
        var stash: [OwnedBuffer] = []
        let (value, allocations, bytes) = await LeakTracker.measure(group: heap) {
            let onMain = await MainActor.run { ShardAllocator(group: heap, shardIndex: 0).makeBuffer(byteCount: 64) }
            stash.append(onMain)
            return 7
        }
        #expect(value == 7)
        #expect(allocations == 1)
        #expect(bytes == stash[0].capacity)
        #expect(stash[0].shardIndex == nil)
        stash.removeAll()
        let (_, none, _) = await LeakTracker.measure(group: heap) {
            await withShardedAllocation(on: heap) { alloc in _ = alloc.makeUniqueBuffer(byteCount: 1000) }
        }
        #expect(none == 0)
        await heap.shutdown()
    }
}
