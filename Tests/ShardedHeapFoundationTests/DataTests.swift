import ShardedHeap
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeapFoundation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("Foundation Data and [UInt8] from buffers")
struct DataTests {
    @Test(
        "Data(unsafeSharing:) reads the buffer in place, outlives the scope that made it, and frees the buffer with the last Data"
    )
    func sharingOutlivesScope() async {
        let group = ShardGroup(shardCount: 1)
        let (data, address) = await withShardedAllocation(on: group, shard: 0) { alloc in
            var unique = alloc.makeUniqueBuffer(capacity: 1000)
            unique.append(repeating: 0x42, count: 1000)
            let shared = OwnedBuffer(unique)
            return (Data(unsafeSharing: shared), Int(bitPattern: shared.unsafeBaseAddress))
        }
        // The scope and its OwnedBuffer are gone; the Data keeps the block alive.
        #expect(group.counters(ofShard: 0).liveAllocations == 1)
        #expect(data.count == 1000)
        #expect(data.allSatisfy { $0 == 0x42 })
        #expect(data.withUnsafeBytes { Int(bitPattern: $0.baseAddress) } == address, "the bytes were copied")
        let copies = [data, data, data]
        _ = consume data
        // Explicitly alive here: a release build would otherwise end the copies' lifetime early.
        withExtendedLifetime(copies) {
            #expect(group.counters(ofShard: 0).liveAllocations == 1)
        }
        _ = consume copies
        #expect(group.counters(ofShard: 0).liveAllocations == 0, "the last Data did not free the buffer")
        await group.shutdown()
    }

    @Test("Why the sharing initialiser is unsafe: a lone Data mutated in place writes into the shared bytes")
    func sharingMutatesInPlace() {
        let shared = OwnedBuffer(copying: [UInt8](repeating: 1, count: 64))
        var data = Data(unsafeSharing: shared)
        data[0] = 99
        // Foundation wrote through: the buffer, which others may be reading, changed.
        #expect(shared.bytes.withUnsafeBytes { $0[0] } == 99)
    }

    @Test("Data(UniqueBuffer) takes the block without a copy and frees it through the shard on another thread")
    func uniqueHandOff() async {
        let group = ShardGroup(shardCount: 1)
        let (parcel, address) = await withShardedAllocation(on: group, shard: 0) { alloc in
            var unique = alloc.makeUniqueBuffer(capacity: 4096)
            unique.append(repeating: 7, count: 4000)
            let address = Int(bitPattern: unique.unsafeBaseAddress)
            return (Parcel(Data(unique)), address)
        }
        let data = parcel.value!
        #expect(data.count == 4000)
        #expect(data.allSatisfy { $0 == 7 })
        #expect(data.withUnsafeBytes { Int(bitPattern: $0.baseAddress) } == address)
        _ = consume data
        #expect(group.counters(ofShard: 0).liveAllocations == 1)
        await onDetachedThread { parcel.drop() }
        #expect(group.counters(ofShard: 0).liveAllocations == 0)
        #expect(group.counters(ofShard: 0).remoteDeallocations == 1)
        await group.shutdown()
    }

    @Test("Copies: Data(copying:), OwnedBuffer(copying: Data), [UInt8](copying:), OwnedBuffer(copying: [UInt8])")
    func copies() {
        let bytes: [UInt8] = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let fromArray = OwnedBuffer(copying: bytes)
        #expect([UInt8](copying: fromArray) == bytes)
        let data = Data(copying: fromArray)
        #expect(Array(data) == bytes)
        #expect(data.withUnsafeBytes { $0.baseAddress } != UnsafeRawPointer(fromArray.unsafeBaseAddress))
        let fromData = OwnedBuffer(copying: data)
        #expect([UInt8](copying: fromData) == bytes)
        let empty = OwnedBuffer(copying: Data())
        #expect(empty.count == 0)
        #expect([UInt8](copying: empty).isEmpty)
    }
}
