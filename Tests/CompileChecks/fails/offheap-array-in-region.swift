// An OffHeapArray can be returned and sent, so it cannot live in a region (RegionArray can).
import ShardedHeap

func arrayInRegion() {
    withRegion { region in
        _ = OffHeapArray<Int>(allocator: region)
    }
}
// expected-error: 'Region' conform to 'Allocator'
