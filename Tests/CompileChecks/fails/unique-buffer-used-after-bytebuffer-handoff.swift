// Handing a unique buffer to a ByteBuffer moves its block to NIO; the unique buffer is gone, so
// it cannot write bytes the ByteBuffer now owns.
import NIOCore
import ShardedHeap
import ShardedHeapNIO

func useAfterHandOff() {
    var unique = UniqueBuffer(capacity: 16)
    unique.append(repeating: 1, count: 16)
    let buffer = ByteBuffer(unique)
    unique.append(repeating: 2, count: 1)
    _ = buffer
}
// expected-error: 'unique' used after consume
