// A region kept in a variable outside its scope.
import ShardedHeap

func keepRegion() {
    var saved: Region? = nil
    withRegion { region in saved = region }
    _ = try? saved?.allocate(byteCount: 8)
}
// expected-error: lifetime-dependent
