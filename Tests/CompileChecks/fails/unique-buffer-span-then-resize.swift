// A span of a unique buffer is a borrow: the buffer cannot move its block meanwhile.
import ShardedHeap

func spanThenResize() {
    var buffer = UniqueBuffer(byteCount: 16)
    let span = buffer.bytes
    buffer.resize(to: 1 << 20)
    _ = span.byteCount
}
// expected-error: overlapping accesses to 'buffer'
