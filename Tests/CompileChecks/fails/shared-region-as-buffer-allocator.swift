// A shared region frees only all at once too.
import ShardedHeap

func bufferInSharedRegion() {
    withSharedRegion { region in
        _ = OwnedBuffer(byteCount: 8, allocator: region)
    }
}
// expected-error: 'SharedRegion' conform to 'Allocator'
