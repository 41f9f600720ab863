// Sharing a unique buffer moves its block; the unique buffer is gone.
import ShardedHeap

func useAfterShare() {
    var unique = UniqueBuffer(capacity: 16)
    unique.append(repeating: 1, count: 16)
    let shared = OwnedBuffer(unique)
    unique.append(repeating: 2, count: 1)
    _ = shared
}
// expected-error: 'unique' used after consume
