// A span of a shared buffer outlives a resize that frees its block: OwnedBuffer has no resize.
import ShardedHeap

func spanThenResize() {
    let buffer = OwnedBuffer(byteCount: 16)
    let span = buffer.bytes
    buffer.resize(to: 1 << 20)
    _ = span.byteCount
}
// expected-error: value of type 'OwnedBuffer' has no member 'resize'
