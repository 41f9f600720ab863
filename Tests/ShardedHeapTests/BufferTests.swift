import Foundation
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

@Suite("OwnedBuffer and UniqueBuffer")
struct BufferTests {
    static let sizes = [0, 1, 4096, 64 << 20]
    static let alignments = (0...16).map { 1 << $0 }

    @Test("Sizes from zero to 64 MiB are usable end to end", arguments: sizes)
    func usableSizes(byteCount: Int) async {
        let heap = ShardGroup(shardCount: 1)
        await withShardedAllocation(on: heap) { alloc in
            let owned = alloc.makeBuffer(byteCount: byteCount)
            var unique = alloc.makeUniqueBuffer(byteCount: byteCount)
            #expect(owned.count == byteCount)
            #expect(unique.count == byteCount)
            #expect(owned.capacity >= byteCount)
            owned.withUnsafeMutableBytes { fill($0, seed: 3) }
            unique.withUnsafeMutableBytes { fill($0, seed: 4) }
            #expect(owned.withUnsafeBytes { holdsPattern($0, seed: 3) })
            #expect(unique.withUnsafeBytes { holdsPattern($0, seed: 4) })
            #expect(owned.bytes.byteCount == byteCount)
            #expect(unique.bytes.byteCount == byteCount)
        }
        #expect(heap.counters(ofShard: 0).liveAllocations == 0)
        #expect(heap.counters(ofShard: 0).totalAllocations == 2)
        await heap.shutdown()
    }

    @Test("Every power-of-two alignment up to 64 KiB is honoured, on and off shard", arguments: alignments)
    func alignment(alignment: Int) async {
        let heap = ShardGroup(shardCount: 1)
        await withShardedAllocation(on: heap) { alloc in
            for byteCount in [1, 24, 1000, 70_000] {
                let owned = alloc.makeBuffer(byteCount: byteCount, alignment: alignment)
                let unique = alloc.makeUniqueBuffer(byteCount: byteCount, alignment: alignment)
                #expect(Int(bitPattern: owned.unsafeBaseAddress) % alignment == 0)
                #expect(Int(bitPattern: unique.unsafeBaseAddress) % alignment == 0)
                #expect(owned.shardIndex == 0)
            }
        }
        let offShard = OwnedBuffer(byteCount: 100, alignment: alignment)
        #expect(Int(bitPattern: offShard.unsafeBaseAddress) % alignment == 0)
        #expect(offShard.shardIndex == nil)
        await heap.shutdown()
    }

    @Test("Spans read and write the same bytes as the unsafe accessors")
    func spans() {
        var unique = UniqueBuffer(byteCount: 8)
        do {
            var span = unique.mutableBytes
            for offset in 0..<8 { span.storeBytes(of: UInt8(offset * 3), toByteOffset: offset, as: UInt8.self) }
        }
        #expect(unique.withUnsafeBytes { Array($0) } == [0, 3, 6, 9, 12, 15, 18, 21])
        let owned = OwnedBuffer(unique)
        #expect(owned.bytes.unsafeLoad(fromByteOffset: 4, as: UInt8.self) == 12)
        #expect(owned.withUnsafeBytes { Array($0) } == [0, 3, 6, 9, 12, 15, 18, 21])
    }

    @Test("Made with a capacity, a buffer has no initialised bytes until something writes them")
    func initialisedPrefix() {
        var unique = UniqueBuffer(capacity: 100)
        #expect(unique.count == 0)
        let holds68 = unique.isEmpty
        #expect(holds68)
        #expect(unique.capacity >= 100)
        #expect(unique.bytes.byteCount == 0)
        unique.append(repeating: 7, count: 10)
        let header: [UInt8] = [1, 2, 3]
        header.withUnsafeBytes { raw in unique.append(RawSpan(_unsafeBytes: raw)) }
        unique.append(maximumByteCount: 5) { output in
            for byte in UInt8(20)..<UInt8(25) { output.append(byte) }
        }
        #expect(unique.count == 18)
        #expect(unique.withUnsafeBytes { Array($0) } == Array(repeating: 7, count: 10) + [1, 2, 3, 20, 21, 22, 23, 24])
        // An initialiser that writes part of its capacity sets the count to what it wrote.
        let made = UniqueBuffer(capacity: 64) { output in
            for byte in 0..<UInt8(16) { output.append(byte) }
        }
        #expect(made.count == 16)
        #expect(made.withUnsafeBytes { Array($0) } == Array(0..<16))
        // The unsafe path declares how many bytes it initialised.
        var raw = UniqueBuffer(capacity: 32)
        raw.withUnsafeUninitializedCapacity { buffer, initialized in
            for index in 0..<12 { buffer[index] = UInt8(index) }
            initialized = 12
        }
        #expect(raw.count == 12)
        #expect(raw.bytes.byteCount == 12)
    }

    @Test("Appending past the capacity grows the block and keeps the bytes")
    func appendGrows() async {
        let heap = ShardGroup(shardCount: 1)
        await withShardedAllocation(on: heap) { alloc in
            var unique = alloc.makeUniqueBuffer(capacity: 16)
            for round in 0..<100 { unique.append(repeating: UInt8(round), count: 100) }
            #expect(unique.count == 10_000)
            #expect(unique.shardIndex == 0)
            #expect(unique.withUnsafeBytes { bytes in (0..<100).allSatisfy { bytes[$0 * 100] == UInt8($0) } })
            #expect(heap.counters(ofShard: 0).liveAllocations == 1)
        }
        #expect(heap.counters(ofShard: 0).liveAllocations == 0)
        await heap.shutdown()
    }

    @Test("Sharing a unique buffer takes over its block: no copy, no new allocation")
    func shareWithoutCopy() async {
        let heap = ShardGroup(shardCount: 1)
        await withShardedAllocation(on: heap) { alloc in
            var unique = alloc.makeUniqueBuffer(capacity: 4096)
            unique.withUnsafeUninitializedCapacity { buffer, initialized in
                fill(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<1000]), seed: 21)
                initialized = 1000
            }
            let address = unique.unsafeBaseAddress
            let capacity = unique.capacity
            let before = heap.counters(ofShard: 0)
            let shared = OwnedBuffer(unique)
            let after = heap.counters(ofShard: 0)
            #expect(shared.unsafeBaseAddress == address)
            #expect(shared.capacity == capacity)
            #expect(shared.count == 1000)
            #expect(shared.shardIndex == 0)
            #expect(after == before, "no allocation and no free were counted")
            #expect(shared.withUnsafeBytes { holdsPattern($0, seed: 21) })
        }
        #expect(heap.counters(ofShard: 0).liveAllocations == 0)
        #expect(heap.counters(ofShard: 0).totalAllocations == 1)
        await heap.shutdown()
    }

    @Test("Zeroed and copied buffers hold what they promise")
    func zeroedAndCopied() {
        let zeroed = OwnedBuffer(byteCount: 5000)
        #expect(zeroed.withUnsafeBytes { $0.allSatisfy { $0 == 0 } })
        let unique = UniqueBuffer(byteCount: 300)
        #expect(unique.withUnsafeBytes { $0.allSatisfy { $0 == 0 } })
        let copied = OwnedBuffer(copying: zeroed.bytes)
        #expect(copied.count == 5000)
        #expect(copied.unsafeBaseAddress != zeroed.unsafeBaseAddress)
    }

    @Test("resize keeps contents, zero-fills growth, on the owner heap, and keeps counts exact")
    func resize() async {
        let heap = ShardGroup(shardCount: 1)
        await withShardedAllocation(on: heap) { alloc in
            var growing = alloc.makeUniqueBuffer(byteCount: 100)
            growing.withUnsafeMutableBytes { fill($0, seed: 11) }
            growing.resize(to: 100_000)
            #expect(growing.count == 100_000)
            #expect(growing.shardIndex == 0)
            #expect(growing.withUnsafeBytes { holdsPattern(UnsafeRawBufferPointer(rebasing: $0[0..<100]), seed: 11) })
            #expect(growing.withUnsafeBytes { $0[100...].allSatisfy { $0 == 0 } })
            growing.resize(to: 10)
            #expect(growing.withUnsafeBytes { holdsPattern($0, seed: 11) })
            growing.resize(to: 0)
            #expect(growing.count == 0)

            var unique = alloc.makeUniqueBuffer(byteCount: 5000)
            unique.withUnsafeMutableBytes { fill($0, seed: 12) }
            let address = unique.unsafeBaseAddress
            unique.resize(to: 3000)  // still fits the block: stays in place
            #expect(unique.unsafeBaseAddress == address)
            unique.resize(to: 50)
            #expect(unique.withUnsafeBytes { holdsPattern($0, seed: 12) })
            let live = heap.counters(ofShard: 0)
            #expect(live.liveAllocations == 2)
            #expect(live.liveBytes == growing.capacity + unique.capacity)
        }
        #expect(heap.counters(ofShard: 0).liveAllocations == 0)
        #expect(heap.counters(ofShard: 0).liveBytes == 0)
        await heap.shutdown()
    }

    @Test("Counts are exact after known work and return to baseline after release")
    func exactCounts() async {
        let heap = ShardGroup(shardCount: 2)
        let sizes = (1...500).map { $0 * 7 }
        let (buffers, expectedBytes) = await withShardedAllocation(on: heap, shard: 1) { alloc in
            let buffers = sizes.map { alloc.makeBuffer(byteCount: $0) }
            return (buffers, buffers.reduce(0) { $0 + $1.capacity })
        }
        // Optimised builds may release `buffers` after its last use: keep it alive until here.
        let during = withExtendedLifetime(buffers) { heap.counters(ofShard: 1) }
        #expect(during.totalAllocations == sizes.count)
        #expect(during.liveAllocations == sizes.count)
        #expect(during.liveBytes == expectedBytes)
        #expect(expectedBytes >= sizes.reduce(0, +))
        #expect(heap.counters(ofShard: 0).totalAllocations == 0)
        _ = consume buffers
        let after = heap.counters(ofShard: 1)
        #expect(after.liveAllocations == 0)
        #expect(after.liveBytes == 0)
        #expect(after.totalDeallocations == sizes.count)
        #expect(after.remoteDeallocations == sizes.count)  // released here, off the shard thread
        await heap.shutdown()
    }

    @Test("Frees from other tasks and from plain threads keep counts exact")
    func crossThreadFrees() async {
        let heap = ShardGroup(shardCount: 2)
        let perBatch = 2000
        let batches = await withShardedAllocation(on: heap, shard: 0) { alloc in
            (0..<4).map { batch in
                (0..<perBatch).map { index in
                    let buffer = alloc.makeBuffer(byteCount: 16 + index % 300)
                    buffer.withUnsafeMutableBytes { fill($0, seed: batch) }
                    return buffer
                }
            }
        }
        #expect(heap.counters(ofShard: 0).liveAllocations == 4 * perBatch)
        let parcels = batches.map { Parcel($0) }
        _ = consume batches
        // Two batches freed by tasks on the other shard, two by plain OS threads.
        await withTaskGroup(of: Void.self) { group in
            for parcel in parcels[0..<2] {
                group.addTask {
                    await withShardedAllocation(on: heap, shard: 1) { _ in
                        #expect(
                            parcel.value!.allSatisfy { buffer in
                                buffer.withUnsafeBytes { holdsPattern($0, seed: 0) || holdsPattern($0, seed: 1) }
                            }
                        )
                        parcel.drop()
                    }
                }
            }
            for parcel in parcels[2..<4] {
                group.addTask { await onDetachedThread { parcel.drop() } }
            }
        }
        let counters = heap.counters(ofShard: 0)
        #expect(counters.totalAllocations == 4 * perBatch)
        #expect(counters.totalDeallocations == 4 * perBatch)
        #expect(counters.remoteDeallocations == 4 * perBatch)
        #expect(counters.liveBytes == 0)
        #expect(heap.counters(ofShard: 1).totalAllocations == 0)
        await heap.shutdown()
    }

    @Test("A UniqueBuffer can be sent to another task and freed there")
    func uniqueSentAway() async {
        let heap = ShardGroup(shardCount: 1)
        let parcel = await withShardedAllocation(on: heap) { alloc in
            var unique = alloc.makeUniqueBuffer(byteCount: 256)
            unique.withUnsafeMutableBytes { fill($0, seed: 5) }
            return UniqueParcel(unique)
        }
        #expect(heap.counters(ofShard: 0).liveAllocations == 1)
        await Task.detached {
            let unique = parcel.take()
            #expect(unique.withUnsafeBytes { holdsPattern($0, seed: 5) })
        }.value
        #expect(heap.counters(ofShard: 0).liveAllocations == 0)
        #expect(heap.counters(ofShard: 0).remoteDeallocations == 1)
        await heap.shutdown()
    }
}
