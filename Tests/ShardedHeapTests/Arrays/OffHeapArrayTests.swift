import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

@Suite("OffHeapArray")
struct OffHeapArrayTests {
    @Test("map, filter, forEach and reduce agree with Array's, and map/filter give off-heap arrays")
    func transforms() {
        let source = Array(Int64(-500)...500)
        let array = OffHeapArray(source)
        let mapped = array.map { $0 * 3 }
        let filtered = array.filter { $0 % 7 == 0 }
        #expect(type(of: mapped) == OffHeapArray<Int64>.self)
        #expect(type(of: filtered) == OffHeapArray<Int64>.self)
        #expect(Array(mapped) == source.map { $0 * 3 })
        #expect(Array(filtered) == source.filter { $0 % 7 == 0 })
        #expect(array.reduce(0, +) == source.reduce(0, +))
        #expect(array.reduce(into: 0) { $0 += $1 * $1 } == source.reduce(into: 0) { $0 += $1 * $1 })
        var visited: [Int64] = []
        // swift-format-ignore: ReplaceForEachWithForLoop
        array.forEach { visited.append($0) }
        #expect(visited == source)
        #expect(mapped.count == source.count)
        #expect(mapped.capacity == source.count)
    }

    @Test("A typed error thrown by a transform comes out unchanged")
    func typedErrors() {
        let array = OffHeapArray<Int>([1, 2, 3])
        #expect(throws: RegionFailure(code: 2)) {
            _ = try array.map { (value: Int) throws(RegionFailure) -> Int in
                if value == 2 { throw RegionFailure(code: 2) }
                return value
            }
        }
    }

    @Test("Results go to the allocator you pass")
    func resultAllocator() {
        let counting = CountingAllocator()
        let array = OffHeapArray<UInt8>(repeating: 9, count: 100, allocator: SystemAllocator())
        do {
            let mapped = array.map(into: counting) { UInt16($0) * 2 }
            #expect(mapped.allocator is CountingAllocator)
            #expect(counting.outstanding == 1)
            let filtered = mapped.filter { $0 > 0 }
            #expect(filtered.allocator is CountingAllocator)
            #expect(counting.outstanding == 2)
            let back = mapped.filter(into: SystemAllocator()) { $0 > 0 }
            #expect(back.allocator is SystemAllocator)
            #expect(Array(back) == Array(repeating: 18, count: 100))
        }
        #expect(counting.outstanding == 0)
    }

    @Test("Copies are values: a change copies shared storage first, and the other copy keeps its elements")
    func copyOnWrite() {
        let counting = CountingAllocator()
        do {
            var first = OffHeapArray<Int>(0..<100, allocator: counting)
            var second = first
            #expect(counting.outstanding == 1, "a copy shares the storage")
            second[0] = -1
            #expect(counting.outstanding == 2, "the first change copies it")
            #expect(first[0] == 0)
            #expect(second[0] == -1)
            first.append(100)
            #expect(second.count == 100)
            #expect(first.count == 101)
            var third = first
            third.removeAll()
            #expect(first.count == 101)
            do {
                var span = second.mutableSpan
                span[1] = -2
            }
            #expect(first[1] == 1)
            #expect(first != second)
            #expect(OffHeapArray(first) == first)
        }
        #expect(counting.outstanding == 0)
    }

    @Test("Arrays are sent to other tasks and freed there, counted in the shard that made them")
    func sentAcrossTasks() async {
        let group = ShardGroup(shardCount: 2)
        let arrays = await withShardedAllocation(on: group, shard: 0) { alloc in
            (0..<8).map { round in OffHeapArray<Int>(0..<(round * 100), allocator: alloc) }
        }
        #expect(group.counters(ofShard: 0).liveAllocations == 7)
        let sums = await withTaskGroup(of: Int.self) { tasks in
            for array in arrays { tasks.addTask { array.reduce(0, +) } }
            return await tasks.reduce(0, +)
        }
        #expect(sums == (0..<8).map { (0..<($0 * 100)).reduce(0, +) }.reduce(0, +))
        _ = consume arrays
        #expect(group.counters(ofShard: 0).liveAllocations == 0)
        await group.shutdown()
    }

    @Test("Storage goes back to the allocator when the last array goes, or on removeAll")
    func freedWithLastArray() {
        let counting = CountingAllocator()
        do {
            var array = OffHeapArray<Double>(allocator: counting)
            for value in 0..<1000 { array.append(Double(value)) }
            #expect(counting.outstanding == 1)
            array.removeAll(keepingCapacity: true)
            #expect(counting.outstanding == 1)
            array.append(1)
            array.removeAll()
            #expect(counting.outstanding == 0)
            array.append(2)
            #expect(counting.outstanding == 1)
        }
        #expect(counting.outstanding == 0)
    }

    @Test("span reads and mutableSpan writes the elements")
    func spans() {
        var array = OffHeapArray<UInt32>(0..<100)
        do {
            var writable = array.mutableSpan
            for index in writable.indices { writable[index] &*= 2 }
        }
        var sum: UInt32 = 0
        do {
            let readable = array.span
            for index in readable.indices { sum &+= readable[index] }
        }
        #expect(sum == (0..<100).reduce(0) { $0 + $1 * 2 })
        let empty = OffHeapArray<UInt32>()
        let spanIsEmpty = empty.span.isEmpty
        #expect(spanIsEmpty)
        #expect(empty.isEmpty)
        #expect(empty.description == "OffHeapArray([])")
        #expect(([1, 2] as OffHeapArray<UInt32>).description == "OffHeapArray([1, 2])")
    }

    @Test("The standard library's collection algorithms work on it")
    func collectionAlgorithms() {
        var random = SplitMix64(seed: 7)
        let values = (0..<1000).map { _ in Int16.random(in: .min ... .max, using: &random) }
        var array = OffHeapArray(values)
        array.sort()
        #expect(Array(array) == values.sorted())
        array.reverse()
        #expect(Array(array) == values.sorted().reversed())
        #expect(array.firstIndex(of: values[3]) != nil)
        #expect(array[10..<20].elementsEqual(values.sorted().reversed()[10..<20]))
        #expect(array.max() == values.max())
    }

    @Test("An index out of range traps, naming it")
    func outOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let array = OffHeapArray<Int>([1, 2, 3])
            _ = array[3]
        }
        #expect(standardError(of: result).contains("OffHeapArray: index 3 out of range 0..<3"))
    }
}
