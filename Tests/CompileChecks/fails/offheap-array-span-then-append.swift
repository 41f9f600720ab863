// A span of an off-heap array is a borrow too.
import ShardedHeap

func spanThenAppend() {
    var numbers: OffHeapArray<Int> = [1, 2, 3]
    let span = numbers.span
    numbers.append(4)
    _ = span.count
}
// expected-error: overlapping accesses to 'numbers'
