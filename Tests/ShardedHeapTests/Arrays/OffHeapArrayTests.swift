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
    func resultAllocator() throws {
        let counting = CountingAllocator()
        let pool = PagePool()
        try withRegion(pool: pool) { region in
            let array = OffHeapArray<UInt8>(repeating: 9, count: 100, allocator: region)
            let mapped = array.map(into: counting) { UInt16($0) * 2 }
            #expect(mapped.allocator is CountingAllocator)
            #expect(counting.outstanding == 1)
            let inRegion = mapped.filter { $0 > 0 }
            #expect(inRegion.allocator is CountingAllocator)
            let back = mapped.filter(into: region) { $0 > 0 }
            #expect(back.allocator is Region)
            #expect(Array(back) == Array(repeating: 18, count: 100))
            _ = try #require(inRegion.first)
        }
        #expect(counting.outstanding == 0)
    }

    @Test("In a region, filter and map chains leak nothing: every page comes back on close")
    func regionChainsLeakNothing() {
        let counting = CountingAllocator()
        let pool = PagePool(chunkSize: 64 * 1024, pageSize: 4096, allocator: counting)
        let total = withRegion(pool: pool) { region in
            let numbers = OffHeapArray<Int>(allocator: region)
            for value in 0..<20_000 { numbers.append(value) }
            var total = 0
            for round in 0..<20 {
                total += numbers.filter { $0 % (round + 2) == 0 }.map { $0 / 2 }.filter { $0 > 10 }.reduce(0, +)
            }
            #expect(region.largeBlockCount > 0)
            #expect(pool.statistics.pagesInUse > 0)
            return total
        }
        let expected = (0..<20).reduce(0) { sum, round in
            sum + (0..<20_000).filter { $0 % (round + 2) == 0 }.map { $0 / 2 }.filter { $0 > 10 }.reduce(0, +)
        }
        #expect(total == expected)
        #expect(pool.statistics.pagesInUse == 0)
        #expect(pool.statistics.largeBlocksInUse == 0)
        #expect(pool.statistics.borrowedPageCount == pool.statistics.returnedPageCount)
        // Only the pool's chunks remain with the allocator; the large blocks went back.
        #expect(counting.outstanding == pool.statistics.chunkCount)
    }

    @Test("Appending in a region grows in place while the array is the last block")
    func growsInPlaceInRegion() {
        let pool = PagePool()
        withRegion(pool: pool) { region in
            let array = OffHeapArray<Int64>(allocator: region)
            for value in 0..<512 { array.append(Int64(value)) }
            #expect(array.capacity == 512)
            // 512 * 8 bytes is exactly one page: every growth stayed in place.
            #expect(region.pageCount == 1)
            #expect(array.elementsEqual(0..<512))
        }
    }

    @Test("Storage is freed in deinit when the allocator frees individually")
    func freedInDeinit() {
        let counting = CountingAllocator()
        do {
            let array = OffHeapArray<Double>(allocator: counting)
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
        let array = OffHeapArray<UInt32>(0..<100)
        do {
            var writable = array.mutableSpan
            for index in writable.indices { writable[index] &*= 2 }
        }
        let readable = array.span
        var sum: UInt32 = 0
        for index in readable.indices { sum &+= readable[index] }
        #expect(sum == (0..<100).reduce(0) { $0 + $1 * 2 })
        let empty = OffHeapArray<UInt32>()
        let spanIsEmpty = empty.span.isEmpty
        #expect(spanIsEmpty)
        #expect(empty.isEmpty)
        #expect(empty.description == "OffHeapArray([])")
    }

    @Test("The standard library's collection algorithms work on it")
    func collectionAlgorithms() {
        var random = SplitMix64(seed: 7)
        let values = (0..<1000).map { _ in Int16.random(in: .min ... .max, using: &random) }
        let array = OffHeapArray(values)
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
