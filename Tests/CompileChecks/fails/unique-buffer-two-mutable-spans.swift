// Two mutable spans of one unique buffer at once.
import ShardedHeap

func twoWriters() {
    var buffer = UniqueBuffer(byteCount: 16)
    var first = buffer.mutableBytes
    var second = buffer.mutableBytes
    first.storeBytes(of: 1, as: UInt8.self)
    second.storeBytes(of: 2, as: UInt8.self)
}
// expected-error: overlapping accesses to 'buffer'
