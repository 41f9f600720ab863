import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

@Suite("RegionArray")
struct RegionArrayTests {
    @Test("map, filter, forEach and reduce agree with Array's, and results stay in the region")
    func transforms() {
        let source = Array(Int64(-500)...500)
        withRegion(pool: PagePool()) { region in
            let array = RegionArray(source, in: region)
            let mapped = array.map { $0 * 3 }
            let filtered = array.filter { $0 % 7 == 0 }
            #expect(Array(copying: mapped) == source.map { $0 * 3 })
            #expect(Array(copying: filtered) == source.filter { $0 % 7 == 0 })
            #expect(array.reduce(0, +) == source.reduce(0, +))
            #expect(array.reduce(into: 0) { $0 += $1 * $1 } == source.reduce(into: 0) { $0 += $1 * $1 })
            var visited: [Int64] = []
            // swift-format-ignore: ReplaceForEachWithForLoop
            array.forEach { visited.append($0) }
            #expect(visited == source)
            #expect(mapped.region.pool === region.pool)
        }
    }

    @Test("filter and map chains leak nothing: every page comes back when the scope ends")
    func chainsLeakNothing() {
        let counting = CountingAllocator()
        let pool = PagePool(chunkSize: 64 * 1024, pageSize: 4096, allocator: counting)
        let total = withRegion(pool: pool) { region in
            var numbers = RegionArray<Int>(in: region)
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

    @Test("Appending grows in place while the array is the region's last block")
    func growsInPlace() {
        withRegion(pool: PagePool()) { region in
            var array = RegionArray<Int64>(in: region)
            for value in 0..<512 { array.append(Int64(value)) }
            #expect(array.capacity == 512)
            // 512 * 8 bytes is exactly one page: every growth stayed in place.
            #expect(region.pageCount == 1)
            let holds61 = array.elementsEqual(0..<512)
            #expect(holds61)
        }
    }

    @Test("Two arrays in one region grow side by side and keep their elements")
    func twoArrays() {
        withRegion(pool: PagePool()) { region in
            var evens = RegionArray<Int>(in: region)
            var odds = RegionArray<Int>(in: region)
            for value in 0..<10_000 {
                if value % 2 == 0 { evens.append(value) } else { odds.append(value) }
            }
            let holds73 = evens.elementsEqual(stride(from: 0, to: 10_000, by: 2))
            #expect(holds73)
            let holds74 = odds.elementsEqual(stride(from: 1, to: 10_000, by: 2))
            #expect(holds74)
        }
    }

    @Test("An async scope keeps its arrays across awaits and thread hops")
    func asyncScope() async {
        let pool = PagePool()
        let hopper = Hopper()
        let sum = await withRegion(pool: pool) { region in
            var numbers = RegionArray<Int>(in: region)
            for value in 0..<2000 {
                numbers.append(value)
                if value % 100 == 0 { await hopper.visit() }
            }
            return numbers.reduce(0, +)
        }
        #expect(sum == (0..<2000).reduce(0, +))
        #expect(pool.statistics.pagesInUse == 0)
    }

    @Test("A unique region's arrays live until it closes")
    func uniqueRegion() {
        let pool = PagePool()
        var owner = Region.open(pool: pool)
        do {
            var numbers = RegionArray<UInt8>(in: owner.region)
            numbers.append(contentsOf: "hello".utf8)
            numbers.sort()
            #expect(Array(copying: numbers) == Array("ehllo".utf8))
            #expect(pool.statistics.pagesInUse == 1)
        }
        owner.close()
        #expect(pool.statistics.pagesInUse == 0)
    }

    @Test("span reads and mutableSpan writes the elements")
    func spans() {
        withRegion(pool: PagePool()) { region in
            var array = RegionArray<UInt32>(0..<100, in: region)
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
        }
    }

    @Test("An index out of range traps, naming it")
    func outOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            withRegion { region in
                let array = RegionArray<Int>([1, 2, 3], in: region)
                _ = array[3]
            }
        }
        #expect(standardError(of: result).contains("RegionArray: index 3 out of range 0..<3"))
    }
}
