import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

struct RegionFailure: Error, Equatable {
    let code: Int
}

/// A pool of its own per test, so that figures are exact while other tests run.
private func smallPool(allocator: any Allocator & Sendable = MimallocAllocator()) -> PagePool {
    PagePool(chunkSize: 64 * 1024, pageSize: 4096, allocator: allocator)
}

@Suite("Region")
struct RegionTests {
    @Test("withRegion gives every page back when the scope ends")
    func scopedLifetime() {
        let pool = smallPool()
        let sum = withRegion(pool: pool) { region in
            var sum = 0
            for index in 0..<2000 {
                let pointer = try! region.allocate(byteCount: 24, alignment: 8)
                pointer.storeBytes(of: index, as: Int.self)
                sum += pointer.load(as: Int.self)
            }
            // 24-byte blocks take 32-byte granules: 64,000 bytes. Runs of 1, 2, 4 and 8 pages
            // (61,440 bytes), then the chunk's last page: 16 pages.
            #expect(region.pageCount == 16)
            #expect(pool.statistics.pagesInUse == 16)
            return sum
        }
        #expect(sum == (0..<2000).reduce(0, +))
        #expect(pool.statistics.pagesInUse == 0)
        #expect(pool.statistics.returnedPageCount == 16)
    }

    @Test("A typed error from the body comes out unchanged, and the region is closed")
    func typedRethrow() {
        let pool = smallPool()
        let outcome: Result<Int, RegionFailure> = {
            do throws(RegionFailure) {
                return .success(
                    try withRegion(pool: pool) { region throws(RegionFailure) -> Int in
                        _ = try? region.allocate(byteCount: 100, alignment: 16)
                        throw RegionFailure(code: 7)
                    }
                )
            } catch {
                return .failure(error)
            }
        }()
        #expect(outcome == .failure(RegionFailure(code: 7)))
        #expect(pool.statistics.pagesInUse == 0)
        #expect(pool.statistics.borrowedPageCount == 1)
    }

    @Test("The async withRegion keeps the region across awaits and closes it at the end")
    func asyncScope() async throws {
        let pool = smallPool()
        let hopper = Hopper()
        let values = try await withRegion(pool: pool) { region in
            var pointers: [UnsafeMutableRawPointer] = []
            for index in 0..<50 {
                let pointer = try region.allocate(byteCount: 1000, alignment: 8)
                fill(pointer, count: 1000, seed: index)
                pointers.append(pointer)
                await hopper.visit()
            }
            return pointers.indices.allSatisfy { holdsPattern(pointers[$0], count: 1000, seed: $0) }
        }
        #expect(values)
        #expect(pool.statistics.pagesInUse == 0)
    }

    @Test("Region.open and close: close gives everything back, and a dropped owner closes itself")
    func manualLifetime() throws {
        let pool = smallPool()
        var owner = Region.open(pool: pool)
        #expect(owner.region.pool === pool)
        _ = try owner.region.allocate(byteCount: 5000, alignment: 16)
        _ = try owner.region.allocate(byteCount: 10, alignment: 16)
        #expect(pool.statistics.pagesInUse == 1)
        #expect(pool.statistics.largeBlocksInUse == 1)
        owner.close()
        owner.close()
        let closed = owner.isClosed
        #expect(closed)
        #expect(pool.statistics.pagesInUse == 0)
        #expect(pool.statistics.largeBlocksInUse == 0)
        #expect(pool.statistics.returnedPageCount == 1)

        do {
            let dropped = Region.open(pool: pool)
            _ = try dropped.region.allocate(byteCount: 64, alignment: 16)
            #expect(pool.statistics.pagesInUse == 1)
        }
        #expect(pool.statistics.pagesInUse == 0)
    }

    @Test("Objects larger than a page get blocks of their own, returned to the allocator on close")
    func largeObjects() throws {
        let counting = CountingAllocator()
        let pool = smallPool(allocator: counting)
        try withRegion(pool: pool) { region in
            let sizes = [4097, 3 * 4096, 1 << 20, 5 << 20]
            var blocks: [(UnsafeMutableRawPointer, Int)] = []
            for (seed, size) in sizes.enumerated() {
                let pointer = try region.allocate(byteCount: size, alignment: 64)
                #expect(Int(bitPattern: pointer) % 64 == 0)
                fill(pointer, count: size, seed: seed)
                blocks.append((pointer, size))
                let small = try region.allocate(byteCount: 100, alignment: 8)
                fill(small, count: 100, seed: 99)
            }
            for (seed, block) in blocks.enumerated() {
                #expect(holdsPattern(block.0, count: block.1, seed: seed))
            }
            #expect(region.largeBlockCount == 4)
            #expect(region.pageCount == 1)
            #expect(pool.statistics.largeBlocksInUse == 4)
            // One chunk plus four large blocks.
            #expect(counting.outstanding == 5)
        }
        #expect(counting.outstanding == 1)
        #expect(pool.statistics.largeBlocksInUse == 0)
    }

    @Test("Every alignment from 1 to 4096 (and up to 65,536) is honoured")
    func alignments() throws {
        try withRegion(pool: smallPool()) { region in
            var alignment = 1
            while alignment <= 1 << 16 {
                for size in [0, 1, 7, 33, 100] {
                    let pointer = try region.allocate(byteCount: size, alignment: alignment)
                    #expect(Int(bitPattern: pointer) % alignment == 0, "alignment \(alignment), size \(size)")
                    // A one-byte odd allocation in between, to misalign the cursor.
                    _ = try region.allocate(byteCount: 1, alignment: 1)
                }
                alignment <<= 1
            }
            // An alignment above the page size is placed in the current run when the run has
            // such an address left, and in a large block otherwise.
            #expect(region.largeBlockCount > 0 && region.largeBlockCount <= 5 * 4)
        }
    }

    @Test("Blocks never overlap: random sizes and alignments keep their byte patterns")
    func noOverlap() throws {
        var random = SplitMix64(seed: 42)
        try withRegion(pool: smallPool()) { region in
            var blocks: [(UnsafeMutableRawPointer, Int)] = []
            for seed in 0..<3000 {
                let size = Int.random(in: 0...(seed % 50 == 0 ? 9000 : 300), using: &random)
                let alignment = 1 << Int.random(in: 0...7, using: &random)
                let pointer = try region.allocate(byteCount: size, alignment: alignment)
                fill(pointer, count: size, seed: seed)
                blocks.append((pointer, size))
            }
            for (seed, block) in blocks.enumerated() {
                #expect(holdsPattern(block.0, count: block.1, seed: seed))
            }
        }
    }

    @Test("Zero-byte allocations give distinct pointers")
    func zeroBytes() throws {
        try withRegion(pool: smallPool()) { region in
            let first = try region.allocate(byteCount: 0, alignment: 1)
            let second = try region.allocate(byteCount: 0, alignment: 1)
            #expect(first != second)
        }
    }

    @Test("A block keeps its contents while later blocks are placed, until the scope ends")
    func blocksKeepContents() throws {
        try withRegion(pool: smallPool()) { region in
            let pointer = try region.allocate(byteCount: 64, alignment: 8)
            fill(pointer, count: 64, seed: 3)
            let next = try region.allocate(byteCount: 64, alignment: 8)
            #expect(next != pointer)
            #expect(holdsPattern(pointer, count: 64, seed: 3))
        }
    }

    @Test("reallocate grows and shrinks the last block in place")
    func reallocateInPlace() throws {
        let pool = smallPool()
        try withRegion(pool: pool) { region in
            let pointer = try region.allocate(byteCount: 100, alignment: 16)
            fill(pointer, count: 100, seed: 5)
            let grown = try region.reallocate(pointer, from: 100, to: 2000, alignment: 16)
            #expect(grown == pointer)
            #expect(holdsPattern(grown, count: 100, seed: 5))
            let shrunk = try region.reallocate(grown, from: 2000, to: 50, alignment: 16)
            #expect(shrunk == pointer)
            // The space given back is reused by the next block.
            let next = try region.allocate(byteCount: 8, alignment: 16)
            #expect(next == pointer + 64)
            #expect(region.pageCount == 1)
        }
    }

    @Test("reallocate copies a block that is not the last one, keeping its bytes")
    func reallocateByCopy() throws {
        try withRegion(pool: smallPool()) { region in
            let pointer = try region.allocate(byteCount: 100, alignment: 16)
            fill(pointer, count: 100, seed: 6)
            let other = try region.allocate(byteCount: 10, alignment: 16)
            fill(other, count: 10, seed: 7)
            let moved = try region.reallocate(pointer, from: 100, to: 300, alignment: 16)
            #expect(moved != pointer)
            #expect(holdsPattern(moved, count: 100, seed: 6))
            #expect(holdsPattern(other, count: 10, seed: 7))
            // Shrinking a block that is not the last copies only the new size.
            let smaller = try region.reallocate(other, from: 10, to: 4, alignment: 16)
            #expect(holdsPattern(smaller, count: 4, seed: 7))
        }
    }

    @Test("reallocate of a block at the end of an older run copies only up to the run's end")
    func reallocateAtRunEnd() throws {
        let pool = smallPool()
        var owner = Region.open(pool: pool)
        let first = try owner.region.allocate(byteCount: 4000, alignment: 1)
        let tail = try owner.region.allocate(byteCount: 96, alignment: 1)
        #expect(tail == first + 4000)
        fill(tail, count: 96, seed: 8)
        // Another region takes the next page, so this region's next run cannot continue the first.
        var other = Region.open(pool: pool)
        _ = try other.region.allocate(byteCount: 8, alignment: 1)
        _ = try owner.region.allocate(byteCount: 64, alignment: 1)
        #expect(owner.region.state.pointee.ledger.poolRuns.count == 2)
        #expect(owner.region.pageCount == 3)
        let moved = try owner.region.reallocate(tail, from: 96, to: 1000, alignment: 1)
        #expect(holdsPattern(moved, count: 96, seed: 8))
        owner.close()
        other.close()
        #expect(pool.statistics.pagesInUse == 0)
    }

    @Test("A block may straddle the seam of two adjacent runs; reallocate copies all of it")
    func blockAcrossSeam() throws {
        let pool = smallPool()
        try withRegion(pool: pool) { region in
            let first = try region.allocate(byteCount: 3000, alignment: 1)
            let straddling = try region.allocate(byteCount: 3000, alignment: 1)
            // The second run follows the first, so the bump carried on across the page boundary
            // (3,000 bytes take 3,008 in 16-byte granules).
            #expect(straddling == first + 3008)
            #expect(region.state.pointee.ledger.poolRuns.count == 1)
            fill(straddling, count: 3000, seed: 12)
            _ = try region.allocate(byteCount: 16, alignment: 1)
            let moved = try region.reallocate(straddling, from: 3000, to: 5000, alignment: 1)
            #expect(moved != straddling)
            #expect(holdsPattern(moved, count: 3000, seed: 12))
        }
    }

    @Test("Runs double from 1 page up to maximumRunPages and merge while the pool's pages are adjacent")
    func runsDouble() throws {
        let pool = PagePool()
        var held: [Int] = []
        try withRegion(pool: pool) { region in
            for _ in 0..<80 {
                _ = try region.allocate(byteCount: 4096, alignment: 4096)
                if held.last != region.pageCount { held.append(region.pageCount) }
            }
            // A fresh chunk lends its pages in address order: one run in the ledger.
            #expect(region.state.pointee.ledger.poolRuns.count == 1)
        }
        #expect(held == [1, 3, 7, 15, 31, 47, 63, 79, 95])
        #expect(Region.maximumRunPages == 16)
        #expect(pool.statistics.pagesInUse == 0)
        // The next region finds the same pages in the same order, still one run. The last one
        // used 80 pages, so this one starts with a run of maximumFirstRunPages (64), which holds
        // all 40 blocks.
        try withRegion(pool: pool) { region in
            for _ in 0..<40 { _ = try region.allocate(byteCount: 4096, alignment: 4096) }
            #expect(region.state.pointee.ledger.poolRuns.count == 1)
            #expect(region.pageCount == 64)
        }
    }

    @Test("A region starts with a run sized by what the last region closed on its pool used")
    func firstRunFollowsLastRegion() throws {
        let pool = PagePool()
        func firstRun() throws -> Int {
            try withRegion(pool: pool) { region in
                _ = try region.allocate(byteCount: 8)
                return region.pageCount
            }
        }
        func use(pages: Int) throws {
            try withRegion(pool: pool) { region in
                for _ in 0..<pages { _ = try region.allocate(byteCount: 4096, alignment: 4096) }
            }
        }
        #expect(try firstRun() == 1)
        try use(pages: 6)
        #expect(try firstRun() == 6)
        // That region held 6 pages but used 1, so the next starts small again.
        #expect(try firstRun() == 1)
        try use(pages: 200)
        #expect(Region.maximumFirstRunPages == 64)
        #expect(try firstRun() == 64)
        #expect(try firstRun() == 1)
        // After a first run, runs double from there, up to maximumRunPages: 3 + 6 + 12 + 16.
        try use(pages: 3)
        try withRegion(pool: pool) { region in
            var held: [Int] = []
            for _ in 0..<30 {
                _ = try region.allocate(byteCount: 4096, alignment: 4096)
                if held.last != region.pageCount { held.append(region.pageCount) }
            }
            #expect(held == [3, 9, 21, 37])
        }
        // A region that allocated nothing leaves the suggestion alone.
        try use(pages: 9)
        withRegion(pool: pool) { _ in }
        #expect(try firstRun() == 9)
    }

    @Test("reallocate moves the last block out of a full page and into a large block")
    func reallocateGrowsPastPage() throws {
        let counting = CountingAllocator()
        let pool = smallPool(allocator: counting)
        try withRegion(pool: pool) { region in
            var pointer = try region.allocate(byteCount: 64, alignment: 8)
            fill(pointer, count: 64, seed: 9)
            pointer = try region.reallocate(pointer, from: 64, to: 3000, alignment: 8)
            fill(pointer, count: 3000, seed: 10)
            pointer = try region.reallocate(pointer, from: 3000, to: 20_000, alignment: 8)
            #expect(holdsPattern(pointer, count: 3000, seed: 10))
            #expect(region.largeBlockCount == 1)
            fill(pointer, count: 20_000, seed: 11)
            // A large block is resized by the pool's allocator.
            pointer = try region.reallocate(pointer, from: 20_000, to: 200_000, alignment: 8)
            #expect(holdsPattern(pointer, count: 20_000, seed: 11))
            #expect(region.largeBlockCount == 1)
            #expect(counting.outstanding == 2)
        }
        #expect(counting.outstanding == 1)
        withExtendedLifetime(pool) {}
    }

    @Test("Pool accounting is exact: pages borrowed, returned, reused; chunks taken once")
    func exactAccounting() throws {
        let counting = CountingAllocator()
        let pool = smallPool(allocator: counting)
        #expect(
            pool.statistics
                == PagePool.Statistics(
                    chunkCount: 0,
                    reservedBytes: 0,
                    freePageCount: 0,
                    borrowedPageCount: 0,
                    returnedPageCount: 0,
                    largeBlocksInUse: 0
                )
        )
        try withRegion(pool: pool) { region in
            // Runs of 1, 2, 4 and 8 pages, then the chunk's last page (a run stops at the chunk's
            // end), then a second chunk's 16 pages: 32 pages for 80,000 bytes.
            for _ in 0..<20 { _ = try region.allocate(byteCount: 4000, alignment: 8) }
            #expect(region.pageCount == 32)
            let figures = pool.statistics
            #expect(figures.chunkCount == 2)
            #expect(figures.reservedBytes == 2 * 64 * 1024)
            #expect(figures.freePageCount == 0)
            #expect(figures.borrowedPageCount == 32)
            #expect(figures.pagesInUse == 32)
        }
        var figures = pool.statistics
        #expect(figures.returnedPageCount == 32)
        #expect(figures.freePageCount == 32)
        #expect(figures.pagesInUse == 0)
        try withRegion(pool: pool) { region in
            for _ in 0..<32 { _ = try region.allocate(byteCount: 4096, alignment: 8) }
        }
        figures = pool.statistics
        #expect(figures.chunkCount == 2)
        #expect(figures.borrowedPageCount == 64)
        #expect(figures.returnedPageCount == 64)
        #expect(counting.outstanding == 2)
    }

    @Test("Two regions on one pool never share a page")
    func regionsSharePoolNotPages() throws {
        let pool = smallPool()
        var first = Region.open(pool: pool)
        var second = Region.open(pool: pool)
        var blocks: [(UnsafeMutableRawPointer, Int)] = []
        for seed in 0..<400 {
            let pointer =
                seed % 2 == 0
                ? try first.region.allocate(byteCount: 90, alignment: 2)
                : try second.region.allocate(byteCount: 90, alignment: 2)
            fill(pointer, count: 90, seed: seed)
            blocks.append((pointer, seed))
        }
        first.close()
        for (pointer, seed) in blocks where seed % 2 == 1 {
            #expect(holdsPattern(pointer, count: 90, seed: seed))
        }
        second.close()
        #expect(pool.statistics.pagesInUse == 0)
    }

    #if DEBUG
    @Test("Debug builds poison a closed region's pages with 0xDE")
    func poisonAfterClose() throws {
        let pool = smallPool()
        var owner = Region.open(pool: pool)
        let pointer = try owner.region.allocate(byteCount: 256, alignment: 16)
        pointer.initializeMemory(as: UInt8.self, repeating: 0x11, count: 256)
        owner.close()
        // The page is back in the pool, which is still alive: reading it is reading pool memory.
        let bytes = UnsafeRawBufferPointer(start: pointer, count: 256)
        #expect(bytes.allSatisfy { $0 == Region.poisonByte })
        withExtendedLifetime(pool) {}
    }
    #endif
}
