// A buffer frees its own block; a region frees only all at once, so it is not an Allocator.
import ShardedHeap

func bufferInRegion() {
    withRegion { region in
        _ = UniqueBuffer(capacity: 8, allocator: region)
    }
}
// expected-error: 'Region' conform to 'Allocator'
