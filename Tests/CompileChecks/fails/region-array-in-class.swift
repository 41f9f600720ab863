// A class instance can outlive any scope, so it cannot hold a region array.
import ShardedHeap

final class Holder {
    var numbers: RegionArray<Int>? = nil
}
// expected-error: stored property 'numbers' of 'Escapable'-conforming class 'Holder' has non-Escapable type 'RegionArray<Int>?'
