// A span of a region array is a borrow: appending (which may move the storage) must wait.
import ShardedHeap

func spanThenAppend() {
    withRegion { region in
        var numbers = RegionArray<Int>([1, 2, 3], in: region)
        let span = numbers.span
        numbers.append(4)
        _ = span.count
    }
}
// expected-error: overlapping accesses to 'numbers'
