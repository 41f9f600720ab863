import Foundation
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

struct ScopeFailure: Error, Equatable {
    let code: Int
}

@Suite("withShardedAllocation and ShardGroup.task")
struct ScopeTests {
    @Test("The body runs on the chosen shard's thread and its value is returned")
    func runsOnShard() async {
        let heap = ShardGroup(shardCount: 2)
        let (index, bufferShard, value) = await withShardedAllocation(on: heap, shard: 1) { alloc in
            let buffer = alloc.makeBuffer(byteCount: 32)
            return (heap.currentShardIndex, buffer.shardIndex, alloc.shardIndex * 10)
        }
        #expect(index == 1)
        #expect(bufferShard == 1)
        #expect(value == 10)
        await heap.shutdown()
    }

    @Test("Called from the main actor, the body still runs on the shard and allocates there")
    @MainActor
    func mainActorCallerRunsOnShard() async {
        let heap = ShardGroup(shardCount: 2)
        MainActor.assertIsolated()
        let (index, bufferShard) = await withShardedAllocation(on: heap, shard: 1) { alloc in
            (heap.currentShardIndex, alloc.makeBuffer(byteCount: 32).shardIndex)
        }
        #expect(index == 1)
        #expect(bufferShard == 1)
        #expect(heap.fallbackCounters.totalAllocations == 0)
        await heap.shutdown()
    }

    @Test("Errors thrown by the body come out typed, and a non-throwing body needs no try")
    func typedErrors() async {
        let heap = ShardGroup(shardCount: 1)
        let outcome: Result<Int, ScopeFailure> = await {
            do throws(ScopeFailure) {
                return .success(
                    try await withShardedAllocation(on: heap) { _ throws(ScopeFailure) -> Int in
                        throw ScopeFailure(code: 42)
                    }
                )
            } catch {
                return .failure(error)
            }
        }()
        #expect(outcome == .failure(ScopeFailure(code: 42)))
        let plain = await withShardedAllocation(on: heap) { _ in 5 }
        #expect(plain == 5)
        await heap.shutdown()
    }

    @Test("A nested call on the same heap reuses the current shard without a hop")
    func nestedReuse() async {
        let heap = ShardGroup(shardCount: 4)
        let (outer, inner, innerThread) = await withShardedAllocation(on: heap, shard: 2) { alloc in
            let outerThread = pthread_self()
            let (inner, sameThread) = await withShardedAllocation(on: heap) { nested in
                (nested.shardIndex, pthread_equal(pthread_self(), outerThread) != 0)
            }
            return (alloc.shardIndex, inner, sameThread)
        }
        #expect(outer == 2)
        #expect(inner == 2)
        #expect(innerThread)
        await heap.shutdown()
    }

    @Test("Naming another shard in a nested call moves there")
    func nestedOtherShard() async {
        let heap = ShardGroup(shardCount: 2)
        let inner = await withShardedAllocation(on: heap, shard: 0) { _ in
            await withShardedAllocation(on: heap, shard: 1) { _ in heap.currentShardIndex }
        }
        #expect(inner == 1)
        await heap.shutdown()
    }

    @Test("Child tasks inherit the shard")
    func childTasksInherit() async {
        let heap = ShardGroup(shardCount: 3)
        let seen = await withShardedAllocation(on: heap, shard: 2) { _ in
            await withTaskGroup(of: (Int?, Int?, Int?).self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        let buffer = OwnedBuffer(byteCount: 16)
                        return (ShardAllocator.current?.shardIndex, heap.currentShardIndex, buffer.shardIndex)
                    }
                }
                var seen: [(Int?, Int?, Int?)] = []
                for await value in group { seen.append(value) }
                return seen
            }
        }
        #expect(seen.count == 16)
        for (bound, running, served) in seen {
            #expect(bound == 2)
            #expect(running == 2)
            #expect(served == 2)
        }
        #expect(ShardAllocator.current == nil)
        await heap.shutdown()
    }

    @Test("New scopes are spread across shards")
    func spread() async {
        let heap = ShardGroup(shardCount: 4)
        var used = Set<Int>()
        for _ in 0..<8 {
            used.insert(await withShardedAllocation(on: heap) { alloc in alloc.shardIndex })
        }
        #expect(used == [0, 1, 2, 3])
        await heap.shutdown()
    }

    @Test("heap.task starts a task on a shard with its allocator")
    func heapTask() async throws {
        let heap = ShardGroup(shardCount: 2)
        let task = heap.task(shard: 1) { alloc in
            let buffer = alloc.makeBuffer(byteCount: 64)
            return [heap.currentShardIndex, buffer.shardIndex, ShardAllocator.current?.shardIndex]
        }
        #expect(try await task.value == [1, 1, 1])
        await heap.shutdown()
    }

    @Test("Off the shard thread the allocator falls back and counts a foreign allocation")
    func fallbackOnMainActor() async {
        let heap = ShardGroup(shardCount: 1)
        await withShardedAllocation(on: heap, shard: 0) { alloc in
            let shard = await MainActor.run { () -> Int? in
                let buffer = alloc.makeBuffer(byteCount: 100)
                buffer.withUnsafeMutableBytes { fill($0, seed: 1) }
                return buffer.shardIndex
            }
            #expect(shard == nil)
        }
        #expect(heap.counters(ofShard: 0).foreignAllocations == 1)
        #expect(heap.fallbackCounters.totalAllocations == 1)
        #expect(heap.fallbackCounters.liveAllocations == 0)
        await heap.shutdown()
    }

    @Test("A shard index out of range traps, naming the index")
    func shardOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = ShardGroup(shardCount: 2)
            await withShardedAllocation(on: heap, shard: 5) { _ in }
        }
        let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("shard index 5 is out of range 0..<2"))
    }

    @Test("A shard count below one traps, naming the count")
    func badShardCount() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ShardGroup(shardCount: 0)
        }
        let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("shardCount must be at least 1 (got 0)"))
    }
}
