// Handing a unique buffer to a Data moves its block to Foundation; the unique buffer is gone, so
// it cannot write bytes the Data now owns.
import FoundationEssentials
import ShardedHeap
import ShardedHeapFoundation

func useAfterHandOff() {
    var unique = UniqueBuffer(capacity: 64)
    unique.append(repeating: 1, count: 64)
    let data = Data(unique)
    unique.append(repeating: 2, count: 1)
    _ = data
}
// expected-error: 'unique' used after consume
