// A unique region closes once nothing borrows it.
import ShardedHeap

func unscoped() -> Int {
    var owner = Region.open()
    var sum = 0
    do {
        var numbers = RegionArray<Int>(in: owner.region)
        numbers.append(contentsOf: 0..<100)
        sum = numbers.reduce(0, +)
    }
    owner.close()
    return sum
}
