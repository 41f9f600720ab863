// The ownership audit exists in debug builds only (release builds compile none of it).
#if DEBUG
import Foundation
import Testing
@testable import ShardedHeap
import ShardedHeapTestSupport

@Suite("Tasks that hop threads never use a heap off its owner thread")
struct HopSafetyTests {
    @Test("1,000 tasks allocate across every kind of await; each shard allocation is from its own heap")
    func thousandHoppingTasks() async throws {
        let heap = ShardGroup(shardCount: 2)
        let hopper = Hopper()
        OwnershipAudit.isEnabled.store(true, ordering: .relaxed)
        defer { OwnershipAudit.isEnabled.store(false, ordering: .relaxed) }
        let checkedBefore = OwnershipAudit.checked.load(ordering: .relaxed)
        let failedBefore = OwnershipAudit.failed.load(ordering: .relaxed)

        let results = await withTaskGroup(of: (verified: Bool, onShard: Int, offShard: Int).self) { group in
            for taskIndex in 0..<1000 {
                group.addTask {
                    await withShardedAllocation(on: heap) { alloc in
                        var buffers: [(OwnedBuffer, Int)] = []
                        var unique = alloc.makeUniqueBuffer(byteCount: 64 + taskIndex % 200)
                        unique.withUnsafeMutableBytes { fill($0, seed: taskIndex) }
                        for step in 0..<4 {
                            switch (taskIndex + step) % 4 {
                            case 0: await Task.yield()
                            case 1: await hopper.visit()
                            case 2:
                                // On the main actor the allocator must fall back.
                                let main = await MainActor.run { alloc.makeBuffer(byteCount: 48) }
                                main.withUnsafeMutableBytes { fill($0, seed: step) }
                                buffers.append((main, step))
                            default: try? await Task.sleep(for: .microseconds(50))
                            }
                            let buffer = alloc.makeBuffer(byteCount: 16 + (taskIndex * 7 + step) % 500)
                            buffer.withUnsafeMutableBytes { fill($0, seed: taskIndex &+ step) }
                            buffers.append((buffer, taskIndex &+ step))
                        }
                        await Task.yield()
                        var verified = unique.withUnsafeBytes { holdsPattern($0, seed: taskIndex) }
                        for (buffer, seed) in buffers {
                            verified = verified && buffer.withUnsafeBytes { holdsPattern($0, seed: seed) }
                        }
                        let onShard = buffers.filter { $0.0.shardIndex != nil }.count
                        return (verified, onShard, buffers.count - onShard)
                    }
                }
            }
            var all: [(verified: Bool, onShard: Int, offShard: Int)] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 1000)
        #expect(results.allSatisfy { $0.verified })
        let onShard = results.reduce(0) { $0 + $1.onShard }
        let offShard = results.reduce(0) { $0 + $1.offShard }
        #expect(onShard > 0)
        #expect(offShard >= 1000)  // every task made one buffer on the main actor
        let checked = OwnershipAudit.checked.load(ordering: .relaxed) - checkedBefore
        #expect(checked >= onShard)
        #expect(OwnershipAudit.failed.load(ordering: .relaxed) == failedBefore)

        let totals = (0..<heap.shardCount).map { heap.counters(ofShard: $0) }
        #expect(totals.reduce(0) { $0 + $1.liveAllocations } == 0)
        #expect(heap.fallbackCounters.liveAllocations == 0)
        #expect(totals.reduce(0) { $0 + $1.foreignAllocations } == heap.fallbackCounters.totalAllocations)
        await heap.shutdown()
    }
}
#endif
