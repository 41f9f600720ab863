import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

/// One block claimed by a child task: where, how long, and the seed of its pattern.
private struct Claim: Sendable {
    let address: UInt
    let byteCount: Int
    let seed: Int
}

/// Allocates `perTask` blocks from `region` in each of `tasks` child tasks, fills each with its
/// own pattern, and returns every claim.
private func claimConcurrently(_ region: SharedRegion, tasks: Int, perTask: Int) async -> [Claim] {
    await withTaskGroup(of: [Claim].self) { group in
        for task in 0..<tasks {
            group.addTask {
                var random = SplitMix64(seed: UInt64(task) + 1)
                var claims: [Claim] = []
                for index in 0..<perTask {
                    let large = index % 97 == 0
                    let size =
                        large ? Int.random(in: 5000...20_000, using: &random) : Int.random(in: 0...200, using: &random)
                    let alignment = 1 << Int.random(in: 0...6, using: &random)
                    let pointer = try! region.allocate(byteCount: size, alignment: alignment)
                    #expect(Int(bitPattern: pointer) % alignment == 0)
                    let seed = task * 100_000 + index
                    fill(pointer, count: size, seed: seed)
                    claims.append(Claim(address: UInt(bitPattern: pointer), byteCount: size, seed: seed))
                }
                return claims
            }
        }
        var all: [Claim] = []
        for await claims in group { all += claims }
        return all
    }
}

/// Whether every claim still holds its pattern and no two claims overlap.
private func claimsAreDisjointAndIntact(_ claims: [Claim]) -> Bool {
    for claim in claims where claim.byteCount > 0 {
        // Safe: the region is still open, so the block is live.
        let pointer = UnsafeRawPointer(bitPattern: claim.address)!
        if !holdsPattern(pointer, count: claim.byteCount, seed: claim.seed) { return false }
    }
    let sorted = claims.sorted { $0.address < $1.address }
    for (earlier, later) in zip(sorted, sorted.dropFirst())
    where earlier.address + UInt(max(earlier.byteCount, 1)) > later.address {
        return false
    }
    return true
}

@Suite("SharedRegion")
struct SharedRegionTests {
    @Test("16 child tasks allocate at once: no two blocks overlap and every pattern survives")
    func concurrentChildren() async {
        let pool = PagePool()
        let intact = await withSharedRegion(pool: pool) { region in
            let claims = await claimConcurrently(region, tasks: 16, perTask: 1500)
            #expect(claims.count == 16 * 1500)
            #expect(region.largeBlockCount == 16 * 16)
            return claimsAreDisjointAndIntact(claims)
        }
        #expect(intact)
        #expect(pool.statistics.pagesInUse == 0)
        #expect(pool.statistics.largeBlocksInUse == 0)
        #expect(pool.statistics.borrowedPageCount > 0)
    }

    @Test("Children of a shard scope share a region taken from the shard's pool")
    func concurrentChildrenInShardScope() async {
        let heap = ShardGroup(shardCount: 2)
        let (intact, usedShardPool) = await withShardedAllocation(on: heap, shard: 1) { _ in
            await withSharedRegion { region in
                let claims = await claimConcurrently(region, tasks: 8, perTask: 1000)
                return (claimsAreDisjointAndIntact(claims), region.pool.isShardPool)
            }
        }
        #expect(intact)
        #expect(usedShardPool)
        let figures = await heap.pagePoolStatistics(ofShard: 1)
        #expect(figures?.pagesInUse == 0)
        #expect((figures?.borrowedPageCount ?? 0) > 0)
        await heap.shutdown()
    }

    @Test("reallocate grows the last block in place and copies exactly the old block otherwise")
    func reallocate() throws {
        try withSharedRegion(pool: PagePool()) { region in
            let pointer = try region.allocate(byteCount: 40, alignment: 8)
            fill(pointer, count: 40, seed: 1)
            let grown = try region.reallocate(pointer, byteCount: 400, alignment: 8)
            #expect(grown == pointer)
            fill(grown, count: 400, seed: 2)
            let other = try region.allocate(byteCount: 16, alignment: 8)
            fill(other, count: 16, seed: 3)
            let moved = try region.reallocate(grown, byteCount: 1000, alignment: 8)
            #expect(moved != grown)
            #expect(holdsPattern(moved, count: 400, seed: 2))
            #expect(holdsPattern(other, count: 16, seed: 3))
            let large = try region.reallocate(moved, byteCount: 50_000, alignment: 8)
            #expect(holdsPattern(large, count: 400, seed: 2))
            #expect(region.largeBlockCount == 1)
            let larger = try region.reallocate(large, byteCount: 100_000, alignment: 8)
            #expect(holdsPattern(larger, count: 400, seed: 2))
            #expect(region.largeBlockCount == 1)
        }
    }

    @Test("Closing twice is harmless; releasing an open shared region closes it")
    func lifetime() throws {
        let pool = PagePool()
        let region = SharedRegion.open(pool: pool)
        _ = try region.allocate(byteCount: 10, alignment: 1)
        #expect(region.pageCount == 1)
        region.close()
        region.close()
        #expect(region.isClosed)
        #expect(pool.statistics.pagesInUse == 0)
        do {
            let dropped = SharedRegion.open(pool: pool)
            _ = try dropped.allocate(byteCount: 10, alignment: 1)
            #expect(pool.statistics.pagesInUse == 1)
        }
        #expect(pool.statistics.pagesInUse == 0)
    }

    #if DEBUG
    @Test("Debug builds poison a closed shared region's pages")
    func poison() throws {
        let pool = PagePool()
        let region = SharedRegion.open(pool: pool)
        let pointer = try region.allocate(byteCount: 128, alignment: 16)
        pointer.initializeMemory(as: UInt8.self, repeating: 0x22, count: 128)
        region.close()
        #expect(UnsafeRawBufferPointer(start: pointer, count: 128).allSatisfy { $0 == Region.poisonByte })
        withExtendedLifetime(pool) {}
    }
    #endif
}
