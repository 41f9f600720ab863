// A span returned past the buffer it reads.
import ShardedHeap

func leakSpan() -> RawSpan {
    let buffer = OwnedBuffer(byteCount: 16)
    return buffer.bytes
}
// expected-error: a function with a ~Escapable result needs a parameter to depend on
