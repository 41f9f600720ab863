import Glibc
import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

/// After `fork`, the child has no shard threads. These tests fork the test process and check, in
/// the child, with synchronous code only (Swift concurrency's thread pool does not survive a fork),
/// that allocation falls back and that shard executors start afresh instead of hanging.
@Suite("fork")
struct ForkTests {
    /// Forks; the child runs `body` and exits with its result (0 = passed). Returns the child's
    /// exit status, or -1 if it did not exit normally.
    func inForkedChild(_ body: () -> Int32) -> Int32 {
        let pid = fork()
        if pid == 0 {
            _exit(body())
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        // WIFEXITED / WEXITSTATUS
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }

    /// The checks a child runs. Returns 0 when all pass, otherwise the number of the failed check.
    static func childChecks(heap: ShardGroup, parentBuffer: OwnedBuffer) -> Int32 {
        if heap.currentShardIndex != nil { return 10 }
        let buffer = OwnedBuffer(byteCount: 4096)
        buffer.withUnsafeMutableBytes { fill($0, seed: 77) }
        if !buffer.withUnsafeBytes({ holdsPattern($0, seed: 77) }) { return 11 }
        if buffer.shardIndex != nil { return 12 }
        let viaAllocator = ShardAllocator(group: heap, shardIndex: 0).makeBuffer(byteCount: 100)
        if viaAllocator.shardIndex != nil { return 13 }
        if !parentBuffer.withUnsafeBytes({ holdsPattern($0, seed: 5) }) { return 14 }

        // A shard executor still works in the child: its job runs on a new thread.
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return 15 }
        let writeEnd = fds[1]
        heap.executors[0].submit(
            .call {
                var byte: UInt8 = heap.currentShardIndex == nil ? 1 : 2
                _ = write(writeEnd, &byte, 1)
            }
        )
        var poller = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 5000) == 1 else { return 16 }  // hung
        var byte: UInt8 = 0
        guard read(fds[0], &byte, 1) == 1, byte == 1 else { return 17 }
        return 0
    }

    @Test("A child forked from a plain thread allocates through the fallback, and shard executors restart")
    func forkFromPlainThread() async {
        let heap = ShardGroup(shardCount: 1)
        let parentBuffer = await withShardedAllocation(on: heap) { alloc in
            let buffer = alloc.makeBuffer(byteCount: 256)
            buffer.withUnsafeMutableBytes { fill($0, seed: 5) }
            return buffer
        }
        #expect(parentBuffer.shardIndex == 0)
        let status = inForkedChild { ForkTests.childChecks(heap: heap, parentBuffer: parentBuffer) }
        #expect(status == 0)
        // The parent is unaffected.
        let after = await withShardedAllocation(on: heap) { alloc in alloc.makeBuffer(byteCount: 8).shardIndex }
        #expect(after == 0)
        await heap.shutdown()
    }

    @Test("A child forked from a shard thread is not on a shard any more")
    func forkFromShardThread() async {
        let heap = ShardGroup(shardCount: 1)
        let status = await withShardedAllocation(on: heap) { alloc in
            let parentBuffer = alloc.makeBuffer(byteCount: 256)
            parentBuffer.withUnsafeMutableBytes { fill($0, seed: 5) }
            precondition(heap.currentShardIndex == 0)
            return inForkedChild { ForkTests.childChecks(heap: heap, parentBuffer: parentBuffer) }
        }
        #expect(status == 0)
        await heap.shutdown()
    }
}
