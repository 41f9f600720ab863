import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

/// While a region is lent to a cursor, the region itself refuses work, with a message that says
/// why; a cursor checks its arguments like the region does.
@Suite("RegionCursor traps")
struct RegionCursorTrapTests {
    @Test("Allocating from the region inside withCursor traps, saying it is lent")
    func allocateWhileLent() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            withRegion(pool: PagePool()) { region in
                region.withCursor { _ in
                    _ = try? region.allocate(byteCount: 8, alignment: 8)
                }
            }
        }
        #expect(standardError(of: result).contains("Region.allocate: the region is lent to a RegionCursor"))
    }

    @Test("Reallocating through the region inside withCursor traps")
    func reallocateWhileLent() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            withRegion(pool: PagePool()) { region in
                let block = try! region.allocate(byteCount: 8, alignment: 8)
                region.withCursor { _ in
                    _ = try? region.reallocate(block, from: 8, to: 16, alignment: 8)
                }
            }
        }
        #expect(standardError(of: result).contains("Region.reallocate: the region is lent to a RegionCursor"))
    }

    @Test("A second withCursor on the same region traps")
    func nestedCursor() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            withRegion(pool: PagePool()) { region in
                region.withCursor { _ in
                    region.withCursor { _ in }
                }
            }
        }
        #expect(standardError(of: result).contains("Region.withCursor: the region is lent to a RegionCursor"))
    }

    @Test("Swapping the cursors of two regions traps when the first is given back")
    func swappedCursors() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            withRegion(pool: PagePool()) { first in
                withRegion(pool: PagePool()) { second in
                    first.withCursor { outer in
                        second.withCursor { inner in
                            swap(&outer, &inner)
                        }
                    }
                }
            }
        }
        #expect(standardError(of: result).contains("belongs to another region"))
    }

    @Test("A bad alignment through a cursor traps, naming it")
    func badAlignment() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            withRegion(pool: PagePool()) { region in
                region.withCursor { cursor in
                    _ = try? cursor.allocate(byteCount: 8, alignment: 24)
                }
            }
        }
        #expect(standardError(of: result).contains("RegionCursor.allocate"))
        #expect(standardError(of: result).contains("24"))
    }
}
