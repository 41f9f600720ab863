// Two child tasks reallocating one shared block: a shared buffer cannot be resized at all.
import ShardedHeap

func racingResizes() async {
    let buffer = OwnedBuffer(byteCount: 16)
    await withTaskGroup(of: Void.self) { group in
        group.addTask { buffer.resize(to: 4096) }
        group.addTask { buffer.resize(to: 8192) }
    }
}
// expected-error: value of type 'OwnedBuffer' has no member 'resize'
