import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

/// Misuse of regions and pools traps with a message that says what went wrong. (Using a region
/// after its scope does not compile at all: see Tests/CompileChecks.)
@Suite("Region traps")
struct RegionTrapTests {
    @Test("Allocating through a closed unique region traps, saying the region is closed")
    func allocateAfterClose() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var owner = Region.open(pool: PagePool())
            _ = try? owner.region.allocate(byteCount: 8, alignment: 8)
            owner.close()
            owner.close()  // harmless
            _ = try? owner.region.allocate(byteCount: 8, alignment: 8)
        }
        #expect(standardError(of: result).contains("Region.allocate: the region is closed"))
    }

    @Test("Reallocating a pointer the region did not give out traps, naming the pointer")
    func reallocateForeignPointer() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            withRegion(pool: PagePool()) { region in
                _ = try! region.allocate(byteCount: 8, alignment: 8)
                let foreign = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 16)
                _ = try? region.reallocate(foreign, from: 64, to: 128, alignment: 16)
            }
        }
        #expect(standardError(of: result).contains("Region.reallocate: the pointer 0x"))
        #expect(standardError(of: result).contains("was not allocated by this region"))
    }

    @Test("Allocating from a closed shared region traps")
    func sharedAfterClose() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let escaped = withSharedRegion(pool: PagePool()) { region in region }
            _ = try? escaped.allocate(byteCount: 8, alignment: 8)
        }
        #expect(standardError(of: result).contains("SharedRegion.allocate: the region is closed"))
    }

    @Test("A bad alignment or size traps, naming it")
    func badRequests() async {
        var result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = try? withRegion { region in try region.allocate(byteCount: 8, alignment: 24) }
        }
        #expect(
            standardError(of: result).contains(
                "Region.allocate: alignment must be a power of two from 1 to 65536 (got 24)"
            )
        )
        result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = try? withRegion { region in try region.allocate(byteCount: -3, alignment: 8) }
        }
        #expect(standardError(of: result).contains("Region.allocate: byteCount must not be negative (got -3)"))
    }

    @Test("A page size that is not a power of two traps, naming it")
    func badPageSize() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = PagePool(chunkSize: 1 << 20, pageSize: 3000)
        }
        #expect(
            standardError(of: result).contains("PagePool: pageSize must be a power of two from 64 to 65536 (got 3000)")
        )
    }
}
