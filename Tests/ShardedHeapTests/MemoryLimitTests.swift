import Glibc
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

@Suite("Per-shard memory limits")
struct MemoryLimitTests {
    static let limit = 32 << 20

    /// Fills shard 0 of a group capped at `cap` with blocks of `size` bytes until it refuses one.
    /// - Returns: The live bytes reached, the error, and the blocks (still live).
    static func fill(
        cap: Int,
        size: Int
    ) async -> (live: Int, error: AllocationError?, blocks: [UniqueParcel], group: ShardGroup) {
        let group = try! ShardGroup(shardCount: 2, memoryLimitPerShard: nil, memoryLimitOverrides: [0: cap])
        let (blocks, error) = await withShardedAllocation(on: group, shard: 0) { alloc in
            var blocks: [UniqueParcel] = []
            var caught: AllocationError?
            while caught == nil {
                do throws(AllocationError) {
                    blocks.append(UniqueParcel(try alloc.tryMakeUniqueBuffer(capacity: size)))
                } catch {
                    caught = error
                }
            }
            return (blocks, caught)
        }
        return (group.counters(ofShard: 0).liveBytes, error, blocks, group)
    }

    @Test(
        "A capped shard fills to at least 95% of its cap, whatever the block size, then refuses",
        arguments: [(8 << 20, 16), (32 << 20, 1 << 20), (37 << 20, 17 << 20)]
    )
    func fillsToCap(cap: Int, size: Int) async throws {
        let (live, error, blocks, group) = await Self.fill(cap: cap, size: size)
        #expect(live >= cap * 95 / 100, "\(blocks.count) blocks of \(size) bytes reached \(live) of \(cap) live bytes")
        #expect(live <= cap)
        let refused = try #require(error)
        #expect(refused == .limitExceeded(shard: 0, limit: cap, live: live, requested: size))
        #expect(live + size > cap, "refused although \(live) + \(size) fits \(cap)")
        #expect(group.memoryLimit(ofShard: 0) == cap)
        _ = consume blocks
        #expect(group.counters(ofShard: 0).liveBytes == 0)
        await group.shutdown()
    }

    @Test("The issue's case: 16 bytes live, then 17 MiB on a 32 MiB cap succeeds, and so does a resize to 20 MiB")
    func bigRequestBesideSmallBlock() async {
        let group = try! ShardGroup(shardCount: 1, memoryLimitPerShard: 32 << 20)
        let (big, grown) = await withShardedAllocation(on: group) { alloc in
            let small = alloc.makeUniqueBuffer(byteCount: 16)
            let big = (try? alloc.tryMakeUniqueBuffer(capacity: 17 << 20)) != nil
            var growing = alloc.makeUniqueBuffer(capacity: 16)
            growing.resize(to: 20 << 20)
            let grown = growing.count
            _ = consume small
            return (big, grown)
        }
        #expect(big)
        #expect(grown == 20 << 20)
        await group.shutdown()
    }

    @Test("Frees from other threads make room again; other shards go on; the raw API refuses too")
    func freesMakeRoom() async throws {
        let cap = 32 << 20
        let (live, _, blocks, group) = await Self.fill(cap: cap, size: 1 << 20)
        #expect(live >= cap * 95 / 100)
        // The raw Allocator API refuses as well, naming live bytes and the request.
        let rawError = await withShardedAllocation(on: group, shard: 0) { alloc -> AllocationError? in
            do throws(AllocationError) {
                _ = try alloc.allocate(byteCount: 1 << 20, alignment: 16)
                return nil
            } catch {
                return error
            }
        }
        guard case .limitExceeded(0, cap, let rawLive, let requested)? = rawError else {
            Issue.record("expected limitExceeded, got \(String(describing: rawError))")
            return
        }
        #expect(rawLive == live)
        #expect(requested == 1 << 20)
        // The uncapped shard goes well past the cap.
        let other = await withShardedAllocation(on: group, shard: 1) { alloc in
            (0..<48).map { _ in alloc.makeBuffer(byteCount: 1 << 20).shardIndex }
        }
        #expect(other.allSatisfy { $0 == 1 })
        // Freeing half on a plain thread makes room for as much again, with no collect first.
        let half = Parcel(Array(blocks.prefix(blocks.count / 2)))
        let rest = Array(blocks.dropFirst(blocks.count / 2))
        _ = consume blocks
        await onDetachedThread {
            for parcel in half.value ?? [] { _ = parcel.take() }
        }
        half.drop()
        let refilled = await withShardedAllocation(on: group, shard: 0) { alloc in
            var count = 0
            var kept: [UniqueParcel] = []
            while let buffer = try? alloc.tryMakeUniqueBuffer(capacity: 1 << 20) {
                kept.append(UniqueParcel(buffer))
                count += 1
            }
            return count
        }
        #expect(refilled >= rest.count - 1, "refilled \(refilled) MiB after freeing \(rest.count)")
        _ = consume rest
        await group.shutdown()
    }

    @Test("The non-throwing makers trap past the cap, naming live bytes, the request and the cap")
    func trapPastCap() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try! ShardGroup(shardCount: 1, memoryLimitPerShard: 32 << 20)
            await withShardedAllocation(on: heap) { alloc in
                var held: [UniqueParcel] = []
                for _ in 0..<64 { held.append(UniqueParcel(alloc.makeUniqueBuffer(capacity: 1 << 20))) }
            }
        }
        let text = standardError(of: result)
        #expect(text.contains("ShardedHeap: shard 0 would exceed its memory limit of 33554432 bytes: "))
        #expect(text.contains("bytes live, 1048576 more requested"))
    }

    @Test("A resize that moves past the cap traps the same way (old and new block are both live while it copies)")
    func resizePastCap() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let heap = try! ShardGroup(shardCount: 1, memoryLimitPerShard: 32 << 20)
            await withShardedAllocation(on: heap) { alloc in
                var buffer = alloc.makeUniqueBuffer(byteCount: 20 << 20)
                buffer.resize(to: 25 << 20)
                _ = consume buffer
            }
        }
        let text = standardError(of: result)
        #expect(text.contains("ShardedHeap: shard 0 would exceed its memory limit of 33554432 bytes: "))
        #expect(text.contains("bytes live, 26214400 more requested"))
    }

    @Test("Past mimalloc's 64 arenas, creating a capped heap throws arenaUnavailable")
    func arenaExhaustion() async {
        await #expect(processExitsWith: .success) {
            var heaps: [ShardGroup] = []
            for attempt in 0..<80 {
                do throws(ShardGroupError) {
                    heaps.append(try ShardGroup(shardCount: 1, memoryLimitPerShard: 32 << 20))
                } catch {
                    guard
                        case .arenaUnavailable(shard: 0, requestedBytes: 2 * (32 << 20) + (64 << 20), code: _) = error,
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
