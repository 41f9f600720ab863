import Foundation
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

@Suite("PagePool")
struct PagePoolTests {
    @Test("trim gives back exactly the chunks whose pages are all free")
    func trimIdleChunks() throws {
        let counting = CountingAllocator()
        let pool = PagePool(chunkSize: 16 * 1024, pageSize: 4096, allocator: counting)
        var keeper = Region.open(pool: pool)
        try withRegion(pool: pool) { region in
            // 4 pages per chunk. This region takes runs of 1, 2 and 1 pages (the rest of chunk 1),
            // then 4 (chunk 2) and 4 (chunk 3): 12 pages for 10 blocks. The keeper's page comes
            // from chunk 4.
            for _ in 0..<10 { _ = try region.allocate(byteCount: 4096, alignment: 1) }
            #expect(region.pageCount == 12)
            _ = try keeper.region.allocate(byteCount: 8, alignment: 8)
        }
        #expect(pool.statistics.chunkCount == 4)
        #expect(counting.outstanding == 4)
        let released = pool.trim()
        #expect(released == 3 * 16 * 1024)
        #expect(counting.outstanding == 1)
        #expect(pool.statistics.chunkCount == 1)
        #expect(pool.statistics.freePageCount == 3)
        // The kept page still works, and the remaining free pages are still lent.
        try withRegion(pool: pool) { region in
            for _ in 0..<3 { _ = try region.allocate(byteCount: 4096, alignment: 1) }
        }
        #expect(counting.outstanding == 1)
        keeper.close()
        #expect(pool.trim() == 16 * 1024)
        #expect(counting.outstanding == 0)
        #expect(pool.trim() == 0)
    }

    @Test("trim frees chunks covered by a free run that crosses from one chunk into the next")
    func trimRunAcrossChunks() throws {
        // Chunks of 4 pages that touch: pages of chunks 0 and 1 merge into one run.
        let slab = SlabAllocator(chunkSize: 16 * 1024, chunkCount: 4)
        let pool = PagePool(chunkSize: 16 * 1024, pageSize: 4096, allocator: slab)
        var first = Region.open(pool: pool)
        // One block per page: runs of 1, 2, 1 (the rest of chunk 0) and 4 (chunk 1), all merged.
        var firstPages: [UnsafeMutableRawPointer] = []
        for _ in 0..<8 { firstPages.append(try first.region.allocate(byteCount: 4096, alignment: 1)) }
        #expect(first.region.pageCount == 8)
        #expect(firstPages.map(slab.chunkIndex(of:)) == [0, 0, 0, 0, 1, 1, 1, 1])
        #expect(zip(firstPages, firstPages.dropFirst()).allSatisfy { $1 - $0 == 4096 })
        // A second region keeps one page of chunk 2.
        var second = Region.open(pool: pool)
        #expect(slab.chunkIndex(of: try second.region.allocate(byteCount: 8)) == 2)
        first.close()
        #expect(pool.statistics.freePageCount == 11)
        #expect(pool.trim() == 2 * 16 * 1024)
        #expect(slab.freedChunks == [0, 1])
        #expect(pool.statistics.chunkCount == 1)
        #expect(pool.statistics.freePageCount == 3)
        // What is left to lend is the rest of chunk 2, never a freed page.
        try withRegion(pool: pool) { region in
            for _ in 0..<3 {
                let page = try region.allocate(byteCount: 4096, alignment: 1)
                #expect(slab.chunkIndex(of: page) == 2)
            }
        }
        second.close()
        #expect(pool.trim() == 16 * 1024)
        #expect(slab.freedChunks == [0, 1, 2])
    }

    @Test("A released pool gives every chunk back to its allocator")
    func deinitFreesChunks() throws {
        let counting = CountingAllocator()
        do {
            let pool = PagePool(chunkSize: 8192, pageSize: 4096, allocator: counting)
            try withRegion(pool: pool) { region in
                for _ in 0..<9 { _ = try region.allocate(byteCount: 4000, alignment: 1) }
                _ = try region.allocate(byteCount: 100_000, alignment: 1)
            }
            #expect(counting.outstanding == 5)
        }
        #expect(counting.outstanding == 0)
        #expect(counting.outstandingBytes == 0)
    }

    @Test("trim returns memory to the process: resident or committed bytes fall by most of it")
    func trimReturnsMemory() async {
        // One OS thread of its own, so that mimalloc's frees and collects happen where the
        // chunks were allocated. 64 MiB in 8 MiB chunks, every page touched.
        let outcome = Parcel((released: 0, fell: false, figures: ""))
        await onDetachedThread {
            let pool = PagePool(chunkSize: 8 << 20, pageSize: 65_536)
            withRegion(pool: pool) { region in
                for _ in 0..<(64 << 20) / 65_536 {
                    let page = try! region.allocate(byteCount: 65_000, alignment: 1)
                    page.initializeMemory(as: UInt8.self, repeating: 1, count: 65_000)
                }
            }
            Mimalloc.collectCallingThread(force: true)
            let (residentBefore, committedBefore) = (residentBytes(), MimallocProcessFigures.current().committedBytes)
            let released = pool.trim()
            // Other tests allocate meanwhile, and mimalloc may cache a little: allow 32 MiB of slack.
            var fell = false
            var figures = ""
            for _ in 0..<40 where !fell {
                Mimalloc.collectCallingThread(force: true)
                let (resident, committed) = (residentBytes(), MimallocProcessFigures.current().committedBytes)
                figures = "resident \(residentBefore) -> \(resident), committed \(committedBefore) -> \(committed)"
                fell = resident < residentBefore - (32 << 20) || committed < committedBefore - (32 << 20)
                if !fell { usleep(25_000) }
            }
            outcome.value = (released, fell, figures)
        }
        #expect(outcome.value?.released == 64 << 20)
        #expect(outcome.value?.fell == true, "\(outcome.value?.figures ?? "")")
    }

    @Test("A region opened on a shard's thread takes pages from the shard's own pool")
    func shardPool() async throws {
        let heap = ShardGroup(shardCount: 2)
        let (isShardPool, sameAsCurrent, held, sharedPages) = try await withShardedAllocation(on: heap, shard: 0) { _ in
            try withRegion { region in
                for _ in 0..<10 { _ = try region.allocate(byteCount: 4000, alignment: 8) }
                return (
                    region.pool.isShardPool, region.pool === PagePool.current, region.pageCount,
                    region.state.pointee.ledger.sharedRuns.count
                )
            }
        }
        #expect(isShardPool)
        #expect(sameAsCurrent)
        #expect(sharedPages == 0)
        // 40,000 bytes in runs of 1, 2, 4 and 8 pages.
        #expect(held == 15)
        let figures = await heap.pagePoolStatistics(ofShard: 0)
        #expect(figures?.borrowedPageCount == 15)
        #expect(figures?.returnedPageCount == 15)
        #expect(await heap.pagePoolStatistics(ofShard: 1) == nil)
        #expect(await heap.trimPagePools() == PagePool.defaultChunkSize)
        #expect(await heap.pagePoolStatistics(ofShard: 0)?.chunkCount == 0)
        await heap.shutdown()
    }

    @Test("Off shard threads regions use the shared pool")
    func offShard() async throws {
        await onDetachedThread {
            #expect(PagePool.current === PagePool.shared)
            var owner = Region.open()
            #expect(owner.region.pool === PagePool.shared)
            _ = try? owner.region.allocate(byteCount: 16, alignment: 8)
            owner.close()
        }
    }

    @Test("A shard-pool region that hops threads refills from the shared pool and returns each page to its own pool")
    func hopRefillsFromShared() async throws {
        let heap = ShardGroup(shardCount: 2)
        let elsewhere = heap.executor(forShard: 1)
        let (ownPages, sharedPages, intact) = try await withShardedAllocation(on: heap, shard: 0) { _ in
            let parcel = RegionParcel(Region.open())
            var blocks: [(UnsafeMutableRawPointer, Int)] = []
            for seed in 0..<5 {
                let pointer = try parcel.region { try $0.allocate(byteCount: 4000, alignment: 8) }
                fill(pointer, count: 4000, seed: seed)
                blocks.append((pointer, seed))
            }
            // Now on shard 1's thread: shard 0's pool must not be touched here.
            try await withTaskExecutorPreference(elsewhere) {
                #expect(heap.currentShardIndex == 1)
                for seed in 5..<12 {
                    let pointer = try parcel.region { try $0.allocate(byteCount: 4000, alignment: 8) }
                    fill(pointer, count: 4000, seed: seed)
                    blocks.append((pointer, seed))
                }
            }
            let intact = blocks.allSatisfy { holdsPattern($0.0, count: 4000, seed: $0.1) }
            let counts = parcel.region { region in
                (region.state.pointee.ledger.poolRuns.pageCount, region.state.pointee.ledger.sharedRuns.pageCount)
            }
            // Close on shard 1's thread: pages of shard 0's pool go back through its inbox.
            await withTaskExecutorPreference(elsewhere) {
                var owner = parcel.take()
                owner.close()
            }
            return (counts.0, counts.1, intact)
        }
        // Five blocks in runs of 1, 2 and 4 pages; the run of 4 has room for two more blocks, so
        // the hop refills from the shared pool at the eighth block (how many pages that gives
        // depends on the shared pool's free list, which other tests share).
        #expect(ownPages == 7)
        #expect(sharedPages >= 1)
        #expect(intact)
        let figures = await heap.pagePoolStatistics(ofShard: 0)
        #expect(figures?.borrowedPageCount == 7)
        #expect(figures?.returnedPageCount == 7)
        #expect(figures?.pagesInUse == 0)
        // The owner takes the inbox in when it trims, and the whole chunk is idle again.
        #expect(await heap.trimPagePools() == PagePool.defaultChunkSize)
        await heap.shutdown()
    }

    @Test("A shard's pool lends pages again after they came back through its inbox")
    func inboxIsDrained() async throws {
        let heap = ShardGroup(shardCount: 1)
        let parcel = await withShardedAllocation(on: heap, shard: 0) { _ in
            let parcel = RegionParcel(Region.open())
            for _ in 0..<3 { _ = parcel.region { try? $0.allocate(byteCount: 4096, alignment: 1) } }
            return parcel
        }
        var owner = parcel.take()
        owner.close()  // on this (non-shard) thread
        let borrowedAgain = try await withShardedAllocation(on: heap, shard: 0) { _ in
            try withRegion { region in
                for _ in 0..<300 { _ = try region.allocate(byteCount: 4096, alignment: 1) }
                return region.pageCount
            }
        }
        // 300 pages' worth, plus at most the unused part of the last run.
        #expect(borrowedAgain >= 300 && borrowedAgain < 300 + Region.maximumRunPages)
        let figures = await heap.pagePoolStatistics(ofShard: 0)
        #expect(figures?.chunkCount == 2)
        #expect(figures?.pagesInUse == 0)
        #expect(figures?.freePageCount == 512)
        await heap.shutdown()
    }
}
