// A unique region cannot close while an array in it is still in use.
import ShardedHeap

func closeTooEarly() {
    var owner = Region.open()
    var numbers = RegionArray<Int>(in: owner.region)
    numbers.append(1)
    owner.close()
    _ = numbers[0]
}
// expected-error: overlapping accesses to 'owner'
