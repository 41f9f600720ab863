// Two writers over the same bytes of a shared buffer: OwnedBuffer has no safe mutable span.
import ShardedHeap

func twoWriters() {
    let buffer = OwnedBuffer(byteCount: 16)
    var first = buffer.mutableBytes
    var second = buffer.mutableBytes
    first.storeBytes(of: 1, as: UInt8.self)
    second.storeBytes(of: 2, as: UInt8.self)
}
// expected-error: value of type 'OwnedBuffer' has no member 'mutableBytes'
