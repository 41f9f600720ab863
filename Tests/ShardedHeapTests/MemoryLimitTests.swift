import Glibc
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

@Suite("Per-shard memory limits")
struct MemoryLimitTests {
    static let limit = 32 << 20

    @Test("A capped shard throws limitExceeded at its cap; other shards keep working; freeing makes room")
    func capIsEnforced() async throws {
        let heap = try ShardGroup(
            shardCount: 2,
            memoryLimitPerShard: nil,
            memoryLimitOverrides: [0: MemoryLimitTests.limit]
        )
        #expect(heap.memoryLimit(ofShard: 0) == MemoryLimitTests.limit)
        #expect(heap.memoryLimit(ofShard: 1) == nil)
        let chunk = 1 << 20
        let (held, error) = await withShardedAllocation(on: heap, shard: 0) { alloc in
            var held: [OwnedBuffer] = []
            var caught: AllocationError?
            while held.count < 100 {
                do throws(AllocationError) {
                    let buffer = try alloc.tryMakeBuffer(byteCount: chunk)
                    buffer.withUnsafeMutableBytes { fill($0, seed: held.count) }
                    held.append(buffer)
                } catch {
                    caught = error
                    break
                }
            }
            return (held, caught)
        }
        #expect(error == .limitExceeded(shard: 0, limit: MemoryLimitTests.limit, requested: chunk))
        #expect(held.count >= 16 && held.count <= 32, "held \(held.count) MiB under a 32 MiB cap")
        #expect(
            held.enumerated().allSatisfy { index, buffer in buffer.withUnsafeBytes { holdsPattern($0, seed: index) } }
        )

        // The raw Allocator API reports the same.
        let rawError = await withShardedAllocation(on: heap, shard: 0) { alloc -> AllocationError? in
            do throws(AllocationError) {
                _ = try alloc.allocate(byteCount: chunk, alignment: 16)
                return nil
            } catch {
                return error
            }
        }
        #expect(rawError == .limitExceeded(shard: 0, limit: MemoryLimitTests.limit, requested: chunk))

        // The uncapped shard goes well past 32 MiB.
        let other = await withShardedAllocation(on: heap, shard: 1) { alloc in
            (0..<48).map { _ in alloc.makeBuffer(byteCount: chunk).shardIndex }
        }
        #expect(other.allSatisfy { $0 == 1 })

        // Freeing on another thread, then collecting on the owner, makes room again.
        let parcel = Parcel(held)
        _ = consume held
        await onDetachedThread { parcel.drop() }
        await heap.measureAreas(collect: true)
        let again = await withShardedAllocation(on: heap, shard: 0) { alloc in
            (try? alloc.tryMakeUniqueBuffer(capacity: chunk)) != nil
        }
        #expect(again)
        await heap.shutdown()
    }

    @Test("The non-throwing makers trap past the cap with the same message")
    func trapPastCap() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try! ShardGroup(shardCount: 1, memoryLimitPerShard: 32 << 20)
            await withShardedAllocation(on: heap) { alloc in
                var held: [OwnedBuffer] = []
                for _ in 0..<64 { held.append(alloc.makeBuffer(byteCount: 1 << 20)) }
            }
        }
        #expect(
            standardError(of: result).contains(
                "ShardedHeap: shard 0 would exceed its memory limit of 33554432 bytes allocating 1048576 bytes"
            )
        )
    }

    @Test("Past mimalloc's 64 arenas, creating a capped heap throws arenaUnavailable")
    func arenaExhaustion() async {
        await #expect(processExitsWith: .success) {
            var heaps: [ShardGroup] = []
            for attempt in 0..<80 {
                do throws(ShardGroupError) {
                    heaps.append(try ShardGroup(shardCount: 1, memoryLimitPerShard: 32 << 20))
                } catch {
                    guard case .arenaUnavailable(shard: 0, requestedBytes: 32 << 20, code: _) = error,
                        error.description.contains("at most 64 arenas"), attempt > 0, attempt <= 64
                    else { exit(3) }
                    exit(0)
                }
            }
            exit(4)  // never refused
        }
    }

    @Test("A non-positive limit traps, naming it")
    func badLimit() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = try? ShardGroup(shardCount: 2, memoryLimitPerShard: nil, memoryLimitOverrides: [5: 1 << 20])
        }
        #expect(standardError(of: result).contains("memoryLimitOverrides names shard 5, outside 0..<2"))
        let negative = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = try? ShardGroup(shardCount: 1, memoryLimitPerShard: -1)
        }
        #expect(standardError(of: negative).contains("memoryLimitPerShard must be positive (got -1)"))
    }
}
