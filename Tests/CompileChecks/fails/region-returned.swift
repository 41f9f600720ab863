// The region itself cannot leave its scope.
import ShardedHeap

func leakRegion() {
    let region = withRegion { region in region }
    _ = try? region.allocate(byteCount: 8)
}
// expected-error: requires that 'Region' conform to 'Escapable'
