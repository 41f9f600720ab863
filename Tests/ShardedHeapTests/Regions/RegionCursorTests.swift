import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

@Suite("RegionCursor")
struct RegionCursorTests {
    /// Sizes from 0 to 5,096 bytes (a tenth larger than a page) and alignments from 1 to 4 KiB.
    private static func requests(count: Int, seed: UInt64) -> [(byteCount: Int, alignment: Int)] {
        var state = seed
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        return (0..<count).map { _ in
            let byteCount = next() % 10 == 0 ? 4097 + next() % 1000 : next() % 700
            return (byteCount, 1 << (next() % 13))
        }
    }

    @Test("Through a cursor, blocks land where Region.allocate puts them, with the same pages and large blocks")
    func sameBlocksAsRegion() throws {
        let requests = Self.requests(count: 2_000, seed: 7)
        func offsets(usingCursor: Bool) throws -> (offsets: [Int], pages: Int, large: Int) {
            // Each run takes its chunks and large blocks from a slab of its own, in the same
            // order, so the same placement gives the same offsets from the slab's start.
            let slab = SlabAllocator(chunkSize: 64 * 1024, chunkCount: 256)
            var owner = Region.open(pool: PagePool(chunkSize: 64 * 1024, pageSize: 4096, allocator: slab))
            defer { owner.close() }
            let region = owner.region
            var blocks: [UnsafeMutableRawPointer] = []
            if usingCursor {
                try region.withCursor { cursor throws(AllocationError) in
                    for request in requests {
                        blocks.append(try cursor.allocate(byteCount: request.byteCount, alignment: request.alignment))
                    }
                }
            } else {
                for request in requests {
                    blocks.append(try region.allocate(byteCount: request.byteCount, alignment: request.alignment))
                }
            }
            let misaligned = zip(blocks, requests).filter { Int(bitPattern: $0.0) % $0.1.alignment != 0 }
            #expect(misaligned.isEmpty)
            return (blocks.map { $0 - slab.slab }, region.pageCount, region.largeBlockCount)
        }
        let direct = try offsets(usingCursor: false)
        let lent = try offsets(usingCursor: true)
        // Compared element by element, so that a failure names the first block that differs.
        let firstDifference = zip(lent.offsets, direct.offsets).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(firstDifference == nil)
        #expect(lent.offsets.count == direct.offsets.count)
        #expect(lent.pages == direct.pages)
        #expect(lent.large == direct.large)
        #expect(direct.large > 0)
    }

    @Test("No two blocks overlap: every block keeps its byte pattern")
    func blocksDoNotOverlap() throws {
        let requests = Self.requests(count: 1_000, seed: 11)
        try withRegion(pool: PagePool()) { region throws(AllocationError) in
            let blocks = try region.withCursor { cursor throws(AllocationError) in
                var blocks: [(UnsafeMutableRawPointer, Int)] = []
                for (index, request) in requests.enumerated() {
                    let block = try cursor.allocate(byteCount: request.byteCount, alignment: request.alignment)
                    block.initializeMemory(
                        as: UInt8.self,
                        repeating: UInt8(truncatingIfNeeded: index),
                        count: request.byteCount
                    )
                    blocks.append((block, request.byteCount))
                }
                return blocks
            }
            for (index, (block, byteCount)) in blocks.enumerated() {
                let bytes = UnsafeRawBufferPointer(start: block, count: byteCount)
                #expect(bytes.allSatisfy { $0 == UInt8(truncatingIfNeeded: index) })
            }
        }
    }

    @Test("After withCursor the region carries on where the cursor stopped")
    func regionResumesAfterCursor() throws {
        try withRegion(pool: PagePool()) { region throws(AllocationError) in
            let first = try region.allocate(byteCount: 100, alignment: 16)
            let last = try region.withCursor { cursor throws(AllocationError) in
                _ = try cursor.allocate(byteCount: 20, alignment: 16)
                return try cursor.allocate(byteCount: 24, alignment: 8)
            }
            let after = try region.allocate(byteCount: 8, alignment: 8)
            // Blocks take whole 16-byte granules: 100 bytes at 0, 20 at 112, 24 at 144, 8 at 176.
            #expect(last - first == 144)
            #expect(after - last == 32)
            let lent = region.state.pointee.isLent
            #expect(!lent)
        }
    }

    @Test("A block from the cursor, the region's last block, grows in place once the cursor is back")
    func cursorBlockGrowsInPlace() throws {
        try withRegion(pool: PagePool()) { region throws(AllocationError) in
            let block = try region.withCursor { cursor throws(AllocationError) in
                try cursor.allocate(byteCount: 16, alignment: 16)
            }
            block.storeBytes(of: 0xABCD, as: UInt64.self)
            let grown = try region.reallocate(block, from: 16, to: 32, alignment: 16)
            #expect(grown == block)
            let next = try region.allocate(byteCount: 8, alignment: 16)
            #expect(next == block + 32)
            // No longer the last block: a second growth copies.
            let moved = try region.reallocate(block, from: 32, to: 64, alignment: 16)
            #expect(moved != block)
            #expect(moved.load(as: UInt64.self) == 0xABCD)
        }
    }

    @Test("allocate(of:count:) gives typed memory aligned for the type")
    func typedAllocation() throws {
        try withRegion(pool: PagePool()) { region throws(AllocationError) in
            try region.withCursor { cursor throws(AllocationError) in
                _ = try cursor.allocate(byteCount: 1, alignment: 1)
                let values = try cursor.allocate(of: Double.self, count: 10)
                #expect(Int(bitPattern: values) % MemoryLayout<Double>.alignment == 0)
                values.initialize(repeating: 2.5, count: 10)
                #expect(UnsafeBufferPointer(start: values, count: 10).reduce(0, +) == 25)
            }
        }
    }

    @Test("Out of memory comes out of the cursor as a thrown error, and the cursor stays usable")
    func outOfMemoryThrows() throws {
        // One chunk of 4 pages and no more.
        let slab = SlabAllocator(chunkSize: 16 * 1024, chunkCount: 1)
        let pool = PagePool(chunkSize: 16 * 1024, pageSize: 4096, allocator: slab)
        var owner = Region.open(pool: pool)
        defer { owner.close() }
        let region = owner.region
        let error = region.withCursor { cursor -> AllocationError? in
            // 4 blocks of 4,000 bytes fill the chunk's 16,384 bytes up to 16,000.
            for _ in 0..<4 { _ = try! cursor.allocate(byteCount: 4000, alignment: 1) }
            do throws(AllocationError) {
                _ = try cursor.allocate(byteCount: 4096, alignment: 1)
                return nil
            } catch {
                // The failed refill moved nothing: a small block still fits at the end.
                let tail = try! cursor.allocate(byteCount: 16, alignment: 16)
                #expect(slab.chunkIndex(of: tail) == 0)
                #expect(tail - slab.slab == 16_000)
                return error
            }
        }
        #expect(error == .outOfMemory(requested: 4096, alignment: 4096))
        #expect(region.pageCount == 4)
    }
}
