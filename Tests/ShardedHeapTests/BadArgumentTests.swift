import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

/// Programmer errors trap with a message that names the bad value.
@Suite("Bad arguments")
struct BadArgumentTests {
    @Test("A negative byte count traps for OwnedBuffer")
    func negativeOwned() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = OwnedBuffer(byteCount: -1)
        }
        #expect(standardError(of: result).contains("OwnedBuffer: byteCount must not be negative (got -1)"))
    }

    @Test("A negative byte count traps for UniqueBuffer")
    func negativeUnique() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = UniqueBuffer(byteCount: -7)
        }
        #expect(standardError(of: result).contains("UniqueBuffer: byteCount must not be negative (got -7)"))
    }

    @Test("A negative byte count traps for the shard allocator")
    func negativeAllocator() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            await withShardedAllocation(on: ShardGroup(shardCount: 1)) { alloc in
                _ = alloc.makeUniqueBuffer(byteCount: -2)
            }
        }
        #expect(
            standardError(of: result).contains(
                "ShardAllocator.makeUniqueBuffer: byteCount must not be negative (got -2)"
            )
        )
    }

    @Test("Alignments of 0, 48 and -16 trap too")
    func otherBadAlignments() async {
        await #expect(processExitsWith: .failure) { _ = OwnedBuffer(byteCount: 8, alignment: 0) }
        await #expect(processExitsWith: .failure) { _ = UniqueBuffer(byteCount: 8, alignment: 48) }
        await #expect(processExitsWith: .failure) { _ = OwnedBuffer(byteCount: 8, alignment: -16) }
    }

    @Test("An alignment of 3 traps, naming it")
    func alignmentThree() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = OwnedBuffer(byteCount: 8, alignment: 3)
        }
        #expect(standardError(of: result).contains("alignment must be a power of two from 1 to 65536 (got 3)"))
    }

    @Test("An alignment above 64 KiB traps, naming it")
    func alignmentTooLarge() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var unique = UniqueBuffer(byteCount: 8)
            unique.resize(to: 16)
            _ = UniqueBuffer(byteCount: 8, alignment: 1 << 20)
        }
        #expect(
            standardError(of: result).contains(
                "UniqueBuffer: alignment must be a power of two from 1 to 65536 (got 1048576)"
            )
        )
    }

    @Test("Resizing to a negative count traps, naming it")
    func negativeResize() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var unique = UniqueBuffer(byteCount: 8)
            unique.resize(to: -5)
        }
        #expect(standardError(of: result).contains("UniqueBuffer.resize(to:): byteCount must not be negative (got -5)"))
    }

    @Test("Int.max bytes is reported as out of memory, naming the size")
    func hugeRequest() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = OwnedBuffer(byteCount: Int.max)
        }
        #expect(standardError(of: result).contains("out of memory allocating \(Int.max) bytes"))
    }
}
